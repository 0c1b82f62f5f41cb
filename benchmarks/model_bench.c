/*===- model_bench.c - Latency of a compiled qmlir model ------------------===*
 *
 * Part of the qmlir project.
 *
 * Links against an object from `quant-compile --target x86_64 -o model.o`
 * (entry _mlir_ciface_qmlir_model(input, output): one rank-4 f32 input, one
 * f32 output of OUT elements written into the caller's buffer) and prints
 * the median latency of one inference over several repetitions, and the
 * number of malloc calls the model makes per inference (counted with
 * -Wl,--wrap=malloc: none expected).
 *
 * Usage: model_bench D0 D1 D2 D3 OUT [seconds]
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
} MemRef4D;

/* An output descriptor of any rank up to 8; a static-shaped out-param reads
 * only the pointers. */
typedef struct {
  void *allocated, *aligned;
  int64_t rest[17];
} AnyMemRef;

void _mlir_ciface_qmlir_model(MemRef4D *input, AnyMemRef *output);

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

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s D0 D1 D2 D3 OUT [seconds]\n", argv[0]);
    return 2;
  }
  int64_t dims[4], count = 1, outCount = atoll(argv[5]);
  for (int i = 0; i < 4; ++i) {
    dims[i] = atoll(argv[1 + i]);
    count *= dims[i];
  }
  double budget = argc > 6 ? atof(argv[6]) : 2.0;
  float *data = aligned_alloc(64, ((count * 4 + 63) / 64) * 64);
  for (int64_t i = 0; i < count; ++i)
    data[i] = (float)((i * 7919) % 255) / 255.0f;
  MemRef4D in = {data, data, 0, {0}, {0}};
  for (int64_t d = 3, stride = 1; d >= 0; --d) {
    in.sizes[d] = dims[d];
    in.strides[d] = stride;
    stride *= dims[d];
  }
  float *result = aligned_alloc(64, ((outCount * 4 + 63) / 64) * 64);
  AnyMemRef out = {result, result, {0}};
  /* Warm-up (first-touch of the arena), then the malloc count of one call. */
  _mlir_ciface_qmlir_model(&in, &out);
  mallocs = 0;
  _mlir_ciface_qmlir_model(&in, &out);
  long perCall = mallocs;
  /* Repetitions of enough calls to last ~budget/10 seconds each. */
  int calls = 0;
  double t0 = now();
  do {
    _mlir_ciface_qmlir_model(&in, &out);
    ++calls;
  } while (now() - t0 < budget / 10);
  double times[9];
  for (int r = 0; r < 9; ++r) {
    double start = now();
    for (int i = 0; i < calls; ++i) {
      _mlir_ciface_qmlir_model(&in, &out);
    }
    times[r] = (now() - start) / calls;
  }
  qsort(times, 9, sizeof(double), compare);
  printf("%.3f ms per inference (median of 9 x %d), %ld malloc per "
         "inference\n",
         times[4] * 1e3, calls, perCall);
  free(result);
  free(data);
  return 0;
}
