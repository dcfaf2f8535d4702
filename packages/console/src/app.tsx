/** The app shell. */
export function App() {
  return <h1>dlt</h1>;
}
