#!/usr/bin/env node
// Inputs and onnxruntime references for the Silero voice-activity detector
// (build/models/silero_vad_v5.onnx, fetched by scripts/fetch-models.sh).
//
//   node scripts/vad_inputs.js OUT_DIR [WAV...]
//
// Each WAV (16-bit PCM, mono; default: the spoken channel names and the
// noise of /usr/share/sounds/alsa) is resampled to 16 kHz (windowed-sinc
// low-pass, integer ratio) and cut into frames of 512 samples, which are run
// through onnxruntime in order, the LSTM state carried from frame to frame
// (sr = 16000, as @ricky0123/vad-web runs the model). Every frame k of
// NAME.wav becomes one sample of the model's two inputs:
//   OUT_DIR/{calib,eval}/NAME_k.input.bin, NAME_k.state.bin
// (the state the frame was run with) and its two reference outputs:
//   OUT_DIR/ref/NAME_k.output.bin, NAME_k.stateN.bin
// (raw little-endian f32). Files whose name has "Left" or "Noise" go to
// calib/, the others to eval/. Prints each file's speech frames (p > 0.5).
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const ROOT = path.resolve(__dirname, '..');
const NPM_DIR = process.env.QMLIR_NPM_DIR || path.join(ROOT, 'build', 'npm');
const MODEL = path.join(ROOT, 'build', 'models', 'silero_vad_v5.onnx');
const FRAME = 512;
const RATE = 16000;

function readWav(file) {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${file}: not a RIFF/WAVE file`);
  let fmt = null;
  for (let at = 12; at + 8 <= b.length;) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      fmt = { format: b.readUInt16LE(body), channels: b.readUInt16LE(body + 2),
              rate: b.readUInt32LE(body + 4), bits: b.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16)
        throw new Error(`${file}: only 16-bit PCM is read`);
      const n = Math.floor(Math.min(size, b.length - body) / 2 / fmt.channels);
      const x = new Float32Array(n);
      for (let i = 0; i < n; ++i)
        x[i] = b.readInt16LE(body + 2 * i * fmt.channels) / 32768;
      return { rate: fmt.rate, samples: x };
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

// Integer-ratio decimation behind a Hann-windowed sinc low-pass.
function resample(x, rate) {
  if (rate === RATE) return x;
  const q = rate / RATE;
  if (!Number.isInteger(q)) throw new Error(`sample rate ${rate} is not a multiple of ${RATE}`);
  const taps = 16 * q + 1, half = (taps - 1) / 2, cutoff = 0.9 / (2 * q);
  const h = new Float64Array(taps);
  let sum = 0;
  for (let i = 0; i < taps; ++i) {
    const t = i - half;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    h[i] = sinc * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)));
    sum += h[i];
  }
  const y = new Float32Array(Math.floor(x.length / q));
  for (let j = 0; j < y.length; ++j) {
    let acc = 0;
    for (let i = 0; i < taps; ++i) {
      const k = j * q + i - half;
      if (k >= 0 && k < x.length) acc += h[i] * x[k];
    }
    y[j] = acc / sum;
  }
  return y;
}

async function main() {
  const [outDir, ...wavArgs] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: node scripts/vad_inputs.js OUT_DIR [WAV...]');
    process.exit(2);
  }
  const alsa = '/usr/share/sounds/alsa';
  const wavs = wavArgs.length ? wavArgs
    : fs.existsSync(alsa) ? fs.readdirSync(alsa).filter((f) => f.endsWith('.wav')).sort()
      .map((f) => path.join(alsa, f)) : [];
  if (!wavs.length) {
    console.error(`vad_inputs: no WAV files (install alsa-utils for ${alsa})`);
    process.exit(1);
  }
  const ort = createRequire(path.join(NPM_DIR, 'package.json'))('onnxruntime-node');
  const session = await ort.InferenceSession.create(MODEL,
    { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  for (const d of ['calib', 'eval', 'ref']) fs.mkdirSync(path.join(outDir, d), { recursive: true });
  const write = (file, data) => fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  for (const wav of wavs) {
    const { rate, samples } = readWav(wav);
    const x = resample(samples, rate);
    const name = path.basename(wav, '.wav');
    const set = /Left|Noise/.test(name) ? 'calib' : 'eval';
    let state = new Float32Array(2 * 128);
    const speech = [];
    for (let k = 0; (k + 1) * FRAME <= x.length; ++k) {
      const frame = x.slice(k * FRAME, (k + 1) * FRAME);
      const out = await session.run({
        input: new ort.Tensor('float32', frame, [1, FRAME]),
        state: new ort.Tensor('float32', state, [2, 1, 128]),
        sr: new ort.Tensor('int64', BigInt64Array.from([BigInt(RATE)]), []),
      });
      const stem = `${name}_${String(k).padStart(3, '0')}`;
      write(path.join(outDir, set, `${stem}.input.bin`), frame);
      write(path.join(outDir, set, `${stem}.state.bin`), state);
      write(path.join(outDir, 'ref', `${stem}.output.bin`), out.output.data);
      write(path.join(outDir, 'ref', `${stem}.stateN.bin`), out.stateN.data);
      if (out.output.data[0] > 0.5) speech.push(k);
      state = Float32Array.from(out.stateN.data);
    }
    console.log(`${name}: ${Math.floor(x.length / FRAME)} frames (${set}), speech in ${speech.length}`);
  }
}

main().catch((e) => { console.error(`vad_inputs: ${e.message}`); process.exit(1); });
