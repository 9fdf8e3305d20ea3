// Stylesheets are imported for their side effect (Vite bundles them); TypeScript 6 checks
// side-effect imports and the renderer loads no Vite client types, so they are declared here.
declare module '*.css';
