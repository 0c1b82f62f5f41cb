/*===- model_bench.c - Latency of a compiled qmlir model ------------------===*
 *
 * Part of the qmlir project.
 *
 * Links against an object from `quant-compile --target x86_64 -o model.o`
 * (entry _mlir_ciface_qmlir_model(inputs..., outputs...): static f32
 * tensors, the outputs written into the caller's buffers) and prints the
 * median latency of one inference over several repetitions, and the number
 * of malloc calls the model makes per inference (counted with
 * -Wl,--wrap=malloc: none expected).
 *
 * Usage: model_bench IN_SHAPES OUT_SHAPES [seconds]
 *   shapes as 1x3x48x192, several separated by commas (1x512,2x1x128)
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kMaxTensors = 8, kMaxRank = 8 };

/* A memref descriptor of any rank up to kMaxRank: {allocated, aligned,
 * offset, sizes[r], strides[r]}, 8-byte fields. */
typedef struct {
  int64_t words[3 + 2 * kMaxRank];
} MemRef;

typedef void (*Entry)(void);
void _mlir_ciface_qmlir_model(void);

static long mallocs;
void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size) {
  ++mallocs;
  return __real_malloc(size);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Parses "1x512,2x1x128" into descriptors of fresh buffers; returns the
 * tensor count, or -1. */
static int parseShapes(const char *text, MemRef *refs, float **buffers) {
  int n = 0;
  while (*text) {
    if (n == kMaxTensors)
      return -1;
    int64_t dims[kMaxRank], rank = 0, count = 1;
    for (;;) {
      char *end;
      long long d = strtoll(text, &end, 10);
      if (end == text || d <= 0 || rank == kMaxRank)
        return -1;
      dims[rank++] = d;
      count *= d;
      text = end;
      if (*text != 'x')
        break;
      ++text;
    }
    if (*text == ',')
      ++text;
    else if (*text)
      return -1;
    float *data = aligned_alloc(64, ((count * 4 + 63) / 64) * 64);
    for (int64_t i = 0; i < count; ++i)
      data[i] = (float)((i * 7919) % 255) / 255.0f;
    int64_t *w = refs[n].words;
    w[0] = w[1] = (int64_t)(intptr_t)data;
    w[2] = 0;
    for (int64_t d = rank - 1, stride = 1; d >= 0; --d) {
      w[3 + d] = dims[d];
      w[3 + rank + d] = stride;
      stride *= dims[d];
    }
    buffers[n++] = data;
  }
  return n;
}

static void *args[2 * kMaxTensors];
static int argCount;

/* One inference: the entry called with argCount descriptor pointers. */
static void call(void) {
  Entry f = _mlir_ciface_qmlir_model;
  void **a = args;
  switch (argCount) {
  case 2:
    ((void (*)(void *, void *))f)(a[0], a[1]);
    break;
  case 3:
    ((void (*)(void *, void *, void *))f)(a[0], a[1], a[2]);
    break;
  case 4:
    ((void (*)(void *, void *, void *, void *))f)(a[0], a[1], a[2], a[3]);
    break;
  case 5:
    ((void (*)(void *, void *, void *, void *, void *))f)(a[0], a[1], a[2],
                                                          a[3], a[4]);
    break;
  case 6:
    ((void (*)(void *, void *, void *, void *, void *, void *))f)(
        a[0], a[1], a[2], a[3], a[4], a[5]);
    break;
  default:
    fprintf(stderr, "model_bench: %d tensors are not supported\n", argCount);
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s IN_SHAPES OUT_SHAPES [seconds]\n", argv[0]);
    return 2;
  }
  static MemRef refs[2 * kMaxTensors];
  static float *buffers[2 * kMaxTensors];
  int ins = parseShapes(argv[1], refs, buffers);
  int outs = ins < 0 ? -1 : parseShapes(argv[2], refs + ins, buffers + ins);
  if (ins < 1 || outs < 1) {
    fprintf(stderr, "model_bench: bad shapes '%s' '%s'\n", argv[1], argv[2]);
    return 2;
  }
  argCount = ins + outs;
  for (int i = 0; i < argCount; ++i)
    args[i] = &refs[i];
  double budget = argc > 3 ? atof(argv[3]) : 2.0;
  /* Warm-up (first-touch of the arena), then the malloc count of one call. */
  call();
  mallocs = 0;
  call();
  long perCall = mallocs;
  /* Repetitions of enough calls to last ~budget/10 seconds each. */
  int calls = 0;
  double t0 = now();
  do {
    call();
    ++calls;
  } while (now() - t0 < budget / 10);
  double times[9];
  for (int r = 0; r < 9; ++r) {
    double start = now();
    for (int i = 0; i < calls; ++i)
      call();
    times[r] = (now() - start) / calls;
  }
  qsort(times, 9, sizeof(double), compare);
  printf("%.3f ms per inference (median of 9 x %d), %ld malloc per "
         "inference\n",
         times[4] * 1e3, calls, perCall);
  for (int i = 0; i < argCount; ++i)
    free(buffers[i]);
  return 0;
}
