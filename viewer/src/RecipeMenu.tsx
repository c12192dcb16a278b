/**
 * The recipe menu: opened by a click with the `recipe` tool, it lists what the clicked cell's
 * machine can make (inputs → output, duration; from recipes.ts) or the items a storage can
 * filter, marks the current one, and sends `set_recipe` for the one chosen (shown at once,
 * rolled back if the server refuses, like every action).
 *
 * @example
 * <RecipeMenu client={client} cell={1234} onClose={() => setMenuCell(null)} />
 */
import { PROTOTYPES } from '../../src/engine/content.ts'
import type { ViewerClient } from './client.ts'
import { currentRecipeName, recipeChoices } from './recipes.ts'

export function RecipeMenu({ client, cell, onClose }: { client: ViewerClient; cell: number; onClose: () => void }) {
  const c = client.buffer.view(cell)
  const struct = c?.struct ?? 0
  const proto = PROTOTYPES.find((p) => p.id === struct)
  const choices = recipeChoices(struct)
  const current = c ? currentRecipeName(c) : null
  return (
    <div className="panel menu" data-testid="recipe-menu">
      <h3>{proto ? `${proto.name} at cell ${cell}` : `cell ${cell}`}<button className="close" data-testid="menu-close" onClick={onClose}>×</button></h3>
      {!c ? <div>cell {cell} is not in a watched chunk</div>
        : !choices.length ? <div>{proto ? `a ${proto.name} takes no recipe` : 'no structure here'}: place a smelter, assembler or storage</div>
        : choices.map((r) => (
          <button key={r.name} data-recipe={r.name} className={r.name === current ? 'on' : ''} onClick={() => client.act({ type: 'set_recipe', cell, recipe: r.name })}>
            <b>{r.name}</b> <span>{r.label}</span>
          </button>
        ))}
    </div>
  )
}
