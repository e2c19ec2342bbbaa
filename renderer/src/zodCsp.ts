import { z } from 'zod';

// Zod probes `new Function` to decide whether to compile its parsers; under the
// app's CSP (no 'unsafe-eval') that probe is refused and reported as a violation.
// Imported first by main.tsx, before anything parses.
z.config({ jitless: true });
