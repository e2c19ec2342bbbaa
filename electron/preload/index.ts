/**
 * The only bridge between the sandboxed page and the app: one function per
 * contract method, one subscription per contract event, and the reading of
 * private streams. No generic channel is exposed, so the page cannot reach
 * anything the contract does not name. The frames travel on a MessagePort
 * to the services process that main hands this frame (and only this frame).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createContractClient } from '../../shared/bridge';
import { CONNECT_CHANNEL, PORT_CHANNEL } from './channels';

/** The DOM MessagePort the page's frame receives (this file compiles without the DOM library). */
interface PagePort {
  postMessage(data: string): void;
  onmessage: ((event: { data: string | Uint8Array }) => void) | null;
  start(): void;
  close(): void;
}

let port: PagePort | undefined;
const client = createContractClient({ send: (text) => port?.postMessage(text) });

ipcRenderer.on(PORT_CHANNEL, (event) => {
  const [next] = event.ports as unknown as PagePort[];
  if (!next) return;
  if (port) {
    // The services restarted: what was in flight on the old port is lost.
    port.close();
    client.disconnected('The Pilothouse services restarted; reconnecting');
  }
  port = next;
  port.onmessage = (e) => client.receive(e.data);
  port.start();
  client.connected();
});
ipcRenderer.send(CONNECT_CHANNEL);

contextBridge.exposeInMainWorld('pilothouse', client.bridge);
