/*===- alloc_driver.c - Run a compiled model twice, count its mallocs -----===*
 *
 * Part of the qmlir project.
 *
 * Calls _mlir_ciface_qmlir_model(input, output) (one rank-4 f32 input, one
 * static-shaped f32 output of OUT elements written into a buffer the caller
 * passes: the results-as-out-params convention of quant-compile's objects)
 * twice on the same input and prints the number of malloc calls of the
 * second call (-Wl,--wrap=malloc) and whether both results are equal.
 *
 * Usage: alloc_driver D0 D1 D2 D3 OUT
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
} MemRef4D;

/* An output descriptor of any rank: {allocated, aligned, offset, sizes[R],
 * strides[R]}; a static-shaped out-param reads only the pointers. */
typedef struct {
  float *allocated, *aligned;
  int64_t words[17];
} AnyMemRef;

void _mlir_ciface_qmlir_model(MemRef4D *input, AnyMemRef *output);

static long mallocs;
void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size) {
  ++mallocs;
  return __real_malloc(size);
}

int main(int argc, char **argv) {
  if (argc != 6)
    return 2;
  int64_t dims[4], count = 1, outCount = atoll(argv[5]);
  for (int i = 0; i < 4; ++i)
    count *= dims[i] = atoll(argv[1 + i]);
  float *data = __real_malloc(count * sizeof(float));
  float *first = __real_malloc(outCount * sizeof(float));
  float *second = __real_malloc(outCount * sizeof(float));
  for (int64_t i = 0; i < count; ++i)
    data[i] = (float)(i % 17) * 0.1f;
  MemRef4D in = {data, data, 0, {0}, {0}};
  for (int64_t d = 3, stride = 1; d >= 0; --d) {
    in.sizes[d] = dims[d];
    in.strides[d] = stride;
    stride *= dims[d];
  }
  AnyMemRef out1 = {first, first, {0}}, out2 = {second, second, {0}};
  _mlir_ciface_qmlir_model(&in, &out1);
  mallocs = 0;
  _mlir_ciface_qmlir_model(&in, &out2);
  long n = mallocs;
  int same = memcmp(first, second, outCount * sizeof(float)) == 0;
  printf("mallocs per inference: %ld\nrepeatable: %s\n", n, same ? "yes" : "no");
  free(first);
  free(second);
  free(data);
  return 0;
}
