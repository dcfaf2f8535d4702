/** The console's entry: mounts the app into `#root`. */
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app.tsx';

createRoot(document.getElementById('root')!).render(<App />);
