// The supervisor: a SIGKILLed worker is replaced on the same region and its
// in-flight requests are answered; a hung (SIGSTOPped) worker is detected by
// its silent heartbeat, killed and replaced; the worker dies with the daemon
// and no shared-memory name is left behind (memfd, and the shm_open fallback).
import t from 'tap'
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { REQ } from '../../src/native/protocol.ts'
import { SYNCS, nativeOrSkip, openChannel } from './helpers.ts'

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true } catch { return false } }
const shmNames = (): string[] => { try { return readdirSync('/dev/shm').filter((f) => f.startsWith('hexd')) } catch { return [] } }
const until = async (f: () => boolean, ms = 5000): Promise<boolean> => {
  const end = Date.now() + ms
  while (Date.now() < end) { if (f()) return true; await new Promise((r) => setTimeout(r, 10)) }
  return f()
}

if (nativeOrSkip(t)) {
  for (const sync of SYNCS) {
    t.test(`SIGKILL with requests in flight (${sync})`, async (t) => {
      const { ch, sup, close } = await openChannel('process', { stateBytes: 4096, sync }, { hangMs: 2000 })
      try {
        for (let round = 0; round < 5; round++) {
          await until(() => ch.info().workerPid === sup!.pid)
          const pid = sup!.pid
          const inflight = Array.from({ length: 20 }, (_, i) => ch.request(REQ.PING, new Uint8Array([round, i])))
          process.kill(pid, 'SIGKILL')
          const got = await Promise.all(inflight)
          t.same(got.map((f) => [...f.payload]), Array.from({ length: 20 }, (_, i) => [round, i]))
          t.ok(await until(() => sup!.pid !== pid && sup!.pid !== 0 && ch.info().workerPid === sup!.pid), 'a new worker runs and attached')
        }
        const info = await ch.request(REQ.INFO)
        t.equal(info.payload.readUInt32LE(0), sup!.pid, 'the answer comes from the current worker')
        t.ok(sup!.restarts >= 5)
        t.ok(ch.info().workerGeneration >= 6, `each worker attached to the same region (${ch.info().workerGeneration})`)
      } finally { await close() }
    })
  }

  t.test('SIGINT and SIGTERM sent to the whole process group leave the worker to the daemon', async (t) => {
    const { ch, sup, close } = await openChannel('process', { stateBytes: 4096 }, { hangMs: 2000 })
    let pid = 0
    try {
      await ch.request(REQ.PING)
      pid = sup!.pid
      process.kill(pid, 'SIGINT')
      process.kill(pid, 'SIGTERM')
      await new Promise((r) => setTimeout(r, 200))
      t.ok(alive(pid), 'the worker is still alive')
      t.equal(sup!.pid, pid, 'and was not replaced')
      t.equal(sup!.restarts, 0)
      const r = await ch.request(REQ.PING, new Uint8Array([7]))
      t.same([...r.payload], [7], 'it still answers')
    } finally { await close() }
    t.ok(pid > 0 && await until(() => !alive(pid)), 'the daemon side still stops it')
  })

  t.test('a hung worker is killed and replaced, and the request retried', async (t) => {
    const { ch, sup, close } = await openChannel('process', { stateBytes: 4096 }, { hangMs: 300 })
    try {
      await ch.request(REQ.PING)
      const pid = sup!.pid
      process.kill(pid, 'SIGSTOP')
      const r = await ch.request(REQ.PING, new Uint8Array([42]))
      t.same([...r.payload], [42])
      t.not(sup!.pid, pid)
      t.ok(await until(() => !alive(pid)), 'the hung worker was killed')
    } finally { await close() }
  })

  for (const forceShmOpen of [false, true]) {
    t.test(`no residue when the daemon is SIGKILLed (${forceShmOpen ? 'shm_open fallback' : 'memfd'})`, async (t) => {
      const before = shmNames()
      const script = `
        const { RegionChannel } = await import(${JSON.stringify(new URL('../../src/native/region.ts', import.meta.url).href)})
        const { Supervisor } = await import(${JSON.stringify(new URL('../../src/native/supervisor.ts', import.meta.url).href)})
        const ch = RegionChannel.create({ stateBytes: 1 << 20 })
        const sup = new Supervisor(ch)
        await sup.start()
        await ch.request(1)
        process.stdout.write(JSON.stringify({ worker: sup.pid, memfd: ch.info().viaMemfd }) + '\\n')
        setInterval(() => {}, 1000)
      `
      const env = { ...process.env, ...(forceShmOpen ? { HEXD_SHM_FORCE_SHM_OPEN: '1' } : {}) }
      const daemon = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] })
      const line = await new Promise<string>((resolve) => daemon.stdout!.once('data', (b) => resolve(String(b))))
      const { worker, memfd } = JSON.parse(line) as { worker: number; memfd: boolean }
      t.equal(memfd, !forceShmOpen)
      t.ok(alive(worker))
      t.same(shmNames(), before, 'no /dev/shm name while running')
      daemon.kill('SIGKILL')
      t.ok(await until(() => !alive(worker)), 'the worker dies with the daemon')
      t.same(shmNames(), before, 'no /dev/shm name after')
    })
  }
}
