/** Vite bundles `?worker` imports as their own chunk and gives back a constructor (vite/client types are not loaded here). */
declare module '*?worker' {
  const WorkerConstructor: new (options?: { name?: string }) => Worker;
  export default WorkerConstructor;
}
