// The renderer's entry: connect to main (preload IPC or the test WebSocket),
// build the window's state, and mount the app. Without a connection there is
// nothing to show but why.
import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi } from './lib/api';
import { AppState } from './state/app.svelte';
import './theme.css';

const target = document.getElementById('app')!;

function showFailure(message: string): void {
  const box = document.createElement('div');
  box.className = 'startup-failure';
  box.setAttribute('role', 'alert');
  box.setAttribute('data-testid', 'alert-dialog');
  const title = document.createElement('h1');
  title.textContent = 'Paquet could not start';
  const text = document.createElement('p');
  text.textContent = message; // textContent: never markup
  box.append(title, text);
  target.replaceChildren(box);
}

async function start(): Promise<void> {
  let app: AppState;
  try {
    app = new AppState(await connectApi());
    await app.start();
  } catch (e) {
    showFailure(e instanceof Error ? e.message : String(e));
    return;
  }
  mount(App, { target, props: { app } });
  // For tests and scripts: the window is connected and listening (keys, events).
  document.documentElement.dataset.ready = 'true';
}

void start();
