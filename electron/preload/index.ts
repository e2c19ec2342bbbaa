/**
 * The only bridge between the sandboxed page and the app: one function per
 * contract method and one subscription per contract event. No generic
 * channel is exposed, so the page cannot reach anything the contract does not
 * name.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createEventListeners, type PilothouseBridge } from '../../shared/bridge';
import { eventNames, ipcChannel, methodNames } from '../../shared/contract';
import type { EventBatch } from '../../shared/wire';

const EVENTS_CHANNEL = 'pilothouse:events';
const ACK_CHANNEL = 'pilothouse:events-ack';

const methods = Object.fromEntries(
  methodNames.map((name) => [name, (params: unknown) => ipcRenderer.invoke(ipcChannel(name), params)]),
) as PilothouseBridge['methods'];

const registry = createEventListeners(eventNames);
ipcRenderer.on(EVENTS_CHANNEL, (_event, batch: EventBatch) => {
  registry.deliver(batch);
  ipcRenderer.send(ACK_CHANNEL, batch.seq);
});

const bridge: PilothouseBridge = { methods, events: registry.events, onResync: registry.onResync };
contextBridge.exposeInMainWorld('pilothouse', bridge);
