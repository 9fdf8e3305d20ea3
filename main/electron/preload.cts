/**
 * The preload: puts `window.paquet` (PaquetApi, shared/ipc/contract.ts) in the
 * page, and nothing else. The page never sees ipcRenderer nor the
 * IpcRendererEvent (whose `sender` would let it send on any channel).
 *
 * CommonJS (.cts → preload.cjs) because sandboxed preloads cannot be ES
 * modules, and in a sandbox `require` knows only 'electron' and a few Node
 * polyfills: this file cannot load project modules at run time. So the channel
 * prefix and the shape of a request or event name are written again here, as
 * little as possible (test/electron/preload.test.ts runs this file with a fake
 * 'electron' and checks it against the contract's CHANNEL_PREFIX and names).
 * The imports from the contract below are types only: erased at compile time.
 */
import type { EventName, Events, PaquetApi, Reply, RequestArgs, RequestName, RequestReply } from '../../shared/ipc/contract.js';
import electron = require('electron');

const { contextBridge, ipcRenderer, webUtils } = electron;

/** Same as CHANNEL_PREFIX in shared/ipc/contract.ts. */
const PREFIX = 'paquet:';
/** Every request and event name is `area.name`: 'file.open', 'session.changed', 'websocket.conversations'. */
const NAME_SHAPE = /^[a-z]+\.[a-zA-Z]+$/;

function channelOf(name: unknown): string {
  if (typeof name !== 'string' || !NAME_SHAPE.test(name)) {
    throw new TypeError(`window.paquet: ${JSON.stringify(name)} is not a Paquet request or event name`);
  }
  return PREFIX + name;
}

const api: PaquetApi = {
  invoke<K extends RequestName>(name: K, args: RequestArgs<K>): Promise<Reply<RequestReply<K>>> {
    let channel: string;
    try {
      channel = channelOf(name);
    } catch (error) {
      return Promise.reject(error);
    }
    return ipcRenderer.invoke(channel, args) as Promise<Reply<RequestReply<K>>>;
  },

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    const channel = channelOf(name);
    if (typeof listener !== 'function') throw new TypeError('window.paquet.on: the listener must be a function');
    // Only the payload crosses into the page; the event object stays here.
    const wrapper = (_event: unknown, payload: Events[K]): void => listener(payload);
    ipcRenderer.on(channel, wrapper);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipcRenderer.removeListener(channel, wrapper);
    };
  },

  pathOfDroppedFile(file: File): string | undefined {
    try {
      // '' for a File that is not on disk (made by the page, or dragged from another app's memory).
      return webUtils.getPathForFile(file) || undefined;
    } catch {
      return undefined; // not a File at all
    }
  },
};

contextBridge.exposeInMainWorld('paquet', api);
