import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { madeTempDir } from '../../../test/support/tempDirs';
import { NVIDIA_SMI_QUERY, parseNvidiaSmiGpus, parseNvidiaSmiProcesses, readLocalGpus } from './nvidiaSmi';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'nvidia-h200', name), 'utf8');
const idle = fixture('query-idle.csv');
const [header, idleRow] = idle.trimEnd().split('\n');
const series = fixture('query-series.csv').trimEnd().split('\n');
const UUID = 'GPU-5e4f2118-7eec-31f8-1868-a11aaf91875b';
/** The real compute-apps capture with the gpu_uuid column our query adds (the capture's query had none). */
const appsWithUuid = fixture('compute-apps.csv')
  .trimEnd()
  .split('\n')
  .map((line, i) => (i === 0 ? `gpu_uuid, ${line}` : `${UUID}, ${line}`))
  .join('\n');

/** The error a parse throws, for its message and location. */
function failure(parse: () => unknown): AppError {
  try {
    parse();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('parsed without complaint');
}

/** The idle row with one value replaced. */
const withValue = (query: string, value: string) => {
  const cells = idleRow.split(', ');
  cells[NVIDIA_SMI_QUERY.indexOf(query)] = value;
  return `${header}\n${cells.join(', ')}\n`;
};

const idleGpu = {
  index: 0,
  name: 'NVIDIA H200',
  uuid: UUID,
  pciBusId: '00000000:00:06.0',
  driverVersion: '580.159.04',
  memoryTotalMiB: 143771,
  memoryUsedMiB: 0,
  utilizationGpuPct: 0,
  utilizationMemoryPct: 0,
  temperatureC: 37,
  powerDrawW: 111.8,
  powerLimitW: 700,
  pstate: 'P0',
};

describe('parseNvidiaSmiGpus on real H200 output', () => {
  it('asks for the fields the captures were taken with, which the header names back', () => {
    expect(NVIDIA_SMI_QUERY).toHaveLength(header.split(', ').length);
    expect(NVIDIA_SMI_QUERY.slice(0, 7)).toEqual(['timestamp', 'index', 'uuid', 'name', 'pci.bus_id', 'driver_version', 'pstate']);
  });

  it('reads an idle card', () => {
    expect(parseNvidiaSmiGpus(idle)).toEqual([idleGpu]);
  });

  it('reads the noheader,nounits form of the same query', () => {
    expect(parseNvidiaSmiGpus(fixture('query-nounits.csv'))).toEqual([{ ...idleGpu, temperatureC: 40, powerDrawW: 80.65 }]);
  });

  it('reads a card held at its power cap under load', () => {
    const capped = series.slice(1).find((line) => Number(line.split(', ')[NVIDIA_SMI_QUERY.indexOf('power.draw')].split(' ')[0]) > 690);
    expect(capped).toBeDefined();
    const [gpu] = parseNvidiaSmiGpus(`${series[0]}\n${capped}\n`);
    expect(gpu.utilizationGpuPct).toBeGreaterThanOrEqual(99);
    expect(gpu.memoryUsedMiB).toBe(42099);
    expect(gpu.powerLimitW).toBe(700);
    expect(gpu.powerDrawW).toBeGreaterThan(690);
    expect(gpu.powerDrawW).toBeLessThanOrEqual(700);
    expect(gpu.temperatureC).toBeGreaterThan(50);
  });

  it('refuses a sampled series (-l): the same GPU many times is not a GPU list', () => {
    const err = failure(() => parseNvidiaSmiGpus(series.join('\n')));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toBe(`nvidia-smi output, line 3: GPU ${UUID} is listed twice`);
    expect(err.location).toEqual({ file: 'nvidia-smi output', line: 3, field: 'uuid' });
  });

  it('reads CRLF line ends and blank lines as the same output', () => {
    expect(parseNvidiaSmiGpus(`\r\n${idle.replace(/\n/g, '\r\n')}\r\n\r\n`)).toEqual([idleGpu]);
  });

  it('reads no GPUs from empty output or a header alone', () => {
    expect(parseNvidiaSmiGpus('')).toEqual([]);
    expect(parseNvidiaSmiGpus(`${header}\n`)).toEqual([]);
  });

  it('takes [N/A] and [Not Supported] as no value where a card may lack one', () => {
    let csv = withValue('utilization.gpu', '[N/A]');
    for (const [query, value] of [
      ['utilization.memory', '[Not Supported]'],
      ['temperature.gpu', '[N/A]'],
      ['power.draw', '[Unknown Error]'],
      ['power.limit', '[Not Supported]'],
      ['pstate', '[N/A]'],
    ]) {
      const cells = csv.trimEnd().split('\n')[1].split(', ');
      cells[NVIDIA_SMI_QUERY.indexOf(query)] = value;
      csv = `${header}\n${cells.join(', ')}`;
    }
    expect(parseNvidiaSmiGpus(csv)).toEqual([{ ...idleGpu, utilizationGpuPct: null, utilizationMemoryPct: null, temperatureC: null, powerDrawW: null, powerLimitW: null, pstate: null }]);
  });

  it('keeps a quoted GPU name whole, commas and quotes included', () => {
    const [gpu] = parseNvidiaSmiGpus(withValue('name', '"NVIDIA H200, ""NVL"" edition"'));
    expect(gpu.name).toBe('NVIDIA H200, "NVL" edition');
  });
});

describe('parseNvidiaSmiGpus on hostile output', () => {
  const fails = (csv: string) => failure(() => parseNvidiaSmiGpus(csv));

  it('refuses a header for other fields, naming the first column that differs', () => {
    const swapped = header.replace('memory.total [MiB], memory.used [MiB]', 'memory.used [MiB], memory.total [MiB]');
    expect(fails(`${swapped}\n${idleRow}`).message).toBe('nvidia-smi output, line 1: the header does not match the query: column 10 should be "memory.total [MiB]" but is "memory.used [MiB]"');
    // Older drivers named the clock columns as queried.
    expect(fails(idle.replace('clocks.current.sm [MHz]', 'clocks.sm [MHz]')).message).toMatch(/column 16 should be "clocks.current.sm \[MHz\]" but is "clocks.sm \[MHz\]"/);
    // Units changed (a header in GiB would make every memory figure wrong by 1024).
    expect(fails(idle.replace('memory.total [MiB]', 'memory.total [GiB]')).location?.line).toBe(1);
    // A header cut short.
    expect(fails(`${header.split(', ').slice(0, 5).join(', ')}\n${idleRow}`).message).toMatch(/column 6 should be "driver_version" but is nothing/);
    // The compute-apps header is not a GPU list.
    expect(fails(fixture('compute-apps.csv')).message).toMatch(/line 1: the header does not match the query: column 1 should be "timestamp" but is "pid"/);
  });

  it('refuses a row with a value too few or too many, or an unquoted comma', () => {
    expect(fails(`${header}\n${idleRow.split(', ').slice(0, -1).join(', ')}`).message).toBe('nvidia-smi output, line 2: 17 values where the query has 18 fields');
    expect(fails(`${header}\n${idleRow}, 1`).message).toMatch(/line 2: 19 values/);
    expect(fails(withValue('name', 'NVIDIA H200, NVL')).message).toMatch(/line 2: 19 values/);
  });

  it('refuses values without the unit the header announces, and units without a header', () => {
    expect(fails(withValue('memory.total', '143771')).message).toBe('nvidia-smi output, line 2: memory.total "143771" lacks its unit MiB');
    expect(fails(withValue('power.draw', '111.80W')).location).toEqual({ file: 'nvidia-smi output', line: 2, field: 'power.draw' });
    expect(fails(withValue('utilization.gpu', '0 MiB')).message).toMatch(/utilization.gpu "0 MiB" lacks its unit %/);
    // noheader,nounits: a unit is then not a number.
    expect(fails(idleRow).message).toBe('nvidia-smi output, line 1: memory.total "143771 MiB" is not a number');
  });

  it('refuses what is not a number, or not a plausible one', () => {
    expect(fails(withValue('temperature.gpu', 'hot')).message).toMatch(/line 2: temperature.gpu "hot" is not a number/);
    expect(fails(withValue('memory.used', '1e3 MiB')).message).toMatch(/memory.used "1e3 MiB" is not a number/);
    expect(fails(withValue('power.draw', 'NaN W')).message).toMatch(/power.draw "NaN W" is not a number/);
    expect(fails(withValue('utilization.gpu', '130 %')).message).toMatch(/utilization.gpu 130 is outside 0–100/);
    expect(fails(withValue('memory.used', '-5 MiB')).message).toMatch(/memory.used -5 is outside/);
    expect(fails(withValue('index', '-1')).message).toMatch(/index "-1" is not a GPU index/);
    expect(fails(withValue('index', '0.5')).message).toMatch(/index "0.5" is not a GPU index/);
    expect(fails(withValue('pstate', 'turbo')).message).toMatch(/pstate "turbo" is not a performance state/);
  });

  it('refuses a missing value where a GPU cannot do without one', () => {
    expect(fails(withValue('memory.total', '[N/A]')).message).toBe('nvidia-smi output, line 2: memory.total is [N/A]');
    expect(fails(withValue('uuid', '')).message).toMatch(/uuid is empty/);
    expect(fails(withValue('name', '[Unknown Error]')).message).toMatch(/name is \[Unknown Error\]/);
  });

  it('refuses an unclosed quote', () => {
    expect(fails(withValue('name', '"NVIDIA H200')).message).toBe('nvidia-smi output, line 2: a quote is not closed');
  });

  it('refuses huge output at once, by size and by rows', () => {
    const started = performance.now();
    expect(fails(`${header}\n${'x'.repeat(2 << 20)}`).message).toMatch(/more than 1024 KiB/);
    const rows = Array.from({ length: 300 }, (_, i) => idleRow.replace(UUID, `GPU-${i}`).replace(', 0, GPU', `, ${i}, GPU`));
    expect(fails([header, ...rows].join('\n')).message).toMatch(/more than 256 rows/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('parseNvidiaSmiProcesses', () => {
  it('reads the real compute-apps capture, with the gpu_uuid column', () => {
    expect(parseNvidiaSmiProcesses(appsWithUuid)).toEqual([{ gpuUuid: UUID, pid: 428, name: 'python3', usedMemoryMiB: 42090 }]);
    expect(parseNvidiaSmiProcesses(`${UUID}, 428, python3, 42090`)).toEqual([{ gpuUuid: UUID, pid: 428, name: 'python3', usedMemoryMiB: 42090 }]);
  });

  it('reads none when nothing runs: nvidia-smi then prints nothing', () => {
    expect(parseNvidiaSmiProcesses('')).toEqual([]);
    expect(parseNvidiaSmiProcesses('gpu_uuid, pid, process_name, used_gpu_memory [MiB]\r\n')).toEqual([]);
  });

  it('refuses the capture as taken (no gpu_uuid): processes could not be put on their GPU', () => {
    expect(failure(() => parseNvidiaSmiProcesses(fixture('compute-apps.csv'))).message).toBe(
      'nvidia-smi output, line 1: the header does not match the query: column 1 should be "gpu_uuid" but is "pid"',
    );
  });

  it('keeps commas in a process name, quoted or not, and reads unknown memory as none', () => {
    const head = 'gpu_uuid, pid, process_name, used_gpu_memory [MiB]';
    expect(parseNvidiaSmiProcesses(`${head}\n${UUID}, 77, /opt/bin/train --tags a,b, 1024 MiB\n${UUID}, 78, "serve, fast", [N/A]`)).toEqual([
      { gpuUuid: UUID, pid: 77, name: '/opt/bin/train --tags a,b', usedMemoryMiB: 1024 },
      { gpuUuid: UUID, pid: 78, name: 'serve, fast', usedMemoryMiB: null },
    ]);
  });

  it('refuses rows it cannot read, naming the line', () => {
    const head = 'gpu_uuid, pid, process_name, used_gpu_memory [MiB]';
    const fails = (row: string) => failure(() => parseNvidiaSmiProcesses(`${head}\n${row}`));
    expect(fails(`${UUID}, 428, 42090 MiB`).message).toBe('nvidia-smi output, line 2: 3 values where the query has 4 fields');
    expect(fails(`${UUID}, abc, python3, 1 MiB`).message).toMatch(/line 2: pid "abc" is not a number/);
    expect(fails(`${UUID}, 0, python3, 1 MiB`).message).toMatch(/pid "0" is not a process id/);
    expect(fails(`${UUID}, 428, python3, 42090`).message).toMatch(/used_memory "42090" lacks its unit MiB/);
    expect(fails(`${UUID}, 428, , 1 MiB`).message).toMatch(/process_name is empty/);
  });
});

describe('readLocalGpus', () => {
  /** A stand-in nvidia-smi: a shell script that records its arguments and prints what it is given. */
  function fakeSmi(body: string): { binary: string; args: () => string[] } {
    const dir = madeTempDir('pilothouse-smi-');
    const binary = join(dir, 'nvidia-smi');
    writeFileSync(binary, `#!/bin/sh\necho "$*" >> "${dir}/args"\n${body}\n`);
    chmodSync(binary, 0o755);
    return { binary, args: () => readFileSync(join(dir, 'args'), 'utf8').trimEnd().split('\n') };
  }
  const printing = (gpus: string, apps: string) => {
    const dir = madeTempDir('pilothouse-smi-out-');
    writeFileSync(join(dir, 'gpus.csv'), gpus);
    writeFileSync(join(dir, 'apps.csv'), apps);
    return fakeSmi(`case "$1" in --query-compute-apps=*) cat "${dir}/apps.csv" ;; *) cat "${dir}/gpus.csv" ;; esac`);
  };

  it('says nvidia-smi is not installed when there is no such binary', async () => {
    const dir = madeTempDir('pilothouse-smi-none-');
    expect(await readLocalGpus({ binary: join(dir, 'nvidia-smi') })).toEqual({ available: false, reason: 'nvidia-smi is not installed' });
  });

  it('runs the query and the compute-apps query, and puts each process on its GPU', async () => {
    const smi = printing(idle, appsWithUuid);
    expect(await readLocalGpus({ binary: smi.binary })).toEqual({ available: true, gpus: [{ ...idleGpu, processes: [{ pid: 428, name: 'python3', usedMemoryMiB: 42090 }] }] });
    expect(smi.args()).toEqual([`--query-gpu=${NVIDIA_SMI_QUERY.join(',')} --format=csv`, '--query-compute-apps=gpu_uuid,pid,process_name,used_memory --format=csv']);
  });

  it('gives GPUs with no process an empty list, and leaves processes out when they cannot be read', async () => {
    expect(await readLocalGpus({ binary: printing(idle, '').binary })).toEqual({ available: true, gpus: [{ ...idleGpu, processes: [] }] });
    expect(await readLocalGpus({ binary: printing(idle, fixture('compute-apps.csv')).binary })).toEqual({ available: true, gpus: [idleGpu] });
  });

  it("says why nvidia-smi failed, from its first line of error output", async () => {
    const smi = fakeSmi(`echo "\n  Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 580.95" >&2; exit 18`);
    expect(await readLocalGpus({ binary: smi.binary })).toEqual({ available: false, reason: 'nvidia-smi failed: Failed to initialize NVML: Driver/library version mismatch' });
    // Some failures go to stdout.
    const quiet = fakeSmi(`echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."; exit 9`);
    expect(await readLocalGpus({ binary: quiet.binary })).toEqual({ available: false, reason: "nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." });
  });

  it('gives up on a binary that does not answer in time, or prints without end', async () => {
    const started = Date.now();
    expect(await readLocalGpus({ binary: fakeSmi('exec sleep 30').binary, timeoutMs: 300 })).toEqual({ available: false, reason: 'nvidia-smi failed: no answer within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await readLocalGpus({ binary: fakeSmi('exec yes').binary })).toEqual({ available: false, reason: 'nvidia-smi failed: it printed more than 1024 KiB' });
  });

  it('says what is wrong with output it cannot read', async () => {
    const smi = printing(idle.replace('memory.total [MiB]', 'memory.total [GiB]'), '');
    const read = await readLocalGpus({ binary: smi.binary });
    expect(read).toEqual({ available: false, reason: expect.stringMatching(/^nvidia-smi output, line 1: the header does not match the query/) });
  });
});
