import './zodCsp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/App';
import { preloadMonacoWhenIdle } from './shell/monaco/loadMonaco';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
preloadMonacoWhenIdle();
