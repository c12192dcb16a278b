// hexd's real entry: registers tsx so the TypeScript sources run as they are
// (no build step to go stale), then hands over to the CLI (src/cli/main.ts).
import { register } from 'tsx/esm/api'
register()
await import('../src/cli/main.ts')
