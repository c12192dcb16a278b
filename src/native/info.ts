/**
 * What the native side can do on this machine (`hexd native info`): whether
 * the addon and the worker are built (and why not), the sync mechanisms the
 * kernel offers and which one `--sync auto` picks, the signal numbers, the
 * protocol and layout versions, the kernel threads `--threads` defaults to.
 *
 * @example
 * nativeInfo() // { addon: true, worker: '/…/hexd-worker', sync: ['futex','eventfd','signal'], auto: 'futex', … }
 */
import { accessSync, constants } from 'node:fs'
import { availableParallelism } from 'node:os'
import { layout } from '../engine/index.ts'
import { loadNative, workerPath } from './addon.ts'
import { chooseSync } from './sync.ts'

export interface NativeInfo {
  addon: boolean
  reason?: string
  worker: string
  workerExecutable: boolean
  sync: string[]
  auto: string | null
  signals: { daemon: number; worker: number } | null
  regionVersion: number | null
  layoutVersion: number
  threads: number
  computeDefault: 'process' | 'js'
}

/** Collects the report (never throws). */
export function nativeInfo(): NativeInfo {
  const n = loadNative()
  const worker = workerPath()
  let workerExecutable = true
  try { accessSync(worker, constants.X_OK) } catch { workerExecutable = false }
  const base = { worker, workerExecutable, layoutVersion: layout.LAYOUT_VERSION, threads: availableParallelism() }
  if (!n.ok) {
    return { addon: false, reason: n.reason, ...base, sync: [], auto: null, signals: null, regionVersion: null, computeDefault: 'js' }
  }
  return {
    addon: true, ...base, sync: n.addon.syncAvailable(), auto: chooseSync(n.addon, 'auto'),
    signals: { daemon: n.addon.daemonSignal, worker: n.addon.workerSignal }, regionVersion: n.addon.regionVersion,
    computeDefault: workerExecutable ? 'process' : 'js',
  }
}
