/*===- alloc_driver.c - Run a compiled model twice, count its mallocs -----===*
 *
 * Part of the qmlir project.
 *
 * Calls _mlir_ciface_qmlir_model (one rank-4 f32 input, one f32 result of
 * rank R) twice on the same input and prints the number of malloc calls of
 * the second call (-Wl,--wrap=malloc) and whether both results are equal.
 *
 * Usage: alloc_driver D0 D1 D2 D3 [R (default 4)]
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
} MemRef4D;

/* A result descriptor of rank R: {allocated, aligned, offset, sizes[R],
 * strides[R]}, read as words. */
typedef struct {
  float *allocated, *aligned;
  int64_t words[17];
} AnyMemRef;

void _mlir_ciface_qmlir_model(AnyMemRef *result, MemRef4D *input);

static long mallocs;
void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size) {
  ++mallocs;
  return __real_malloc(size);
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 6)
    return 2;
  int rank = argc == 6 ? atoi(argv[5]) : 4;
  int64_t dims[4], count = 1;
  for (int i = 0; i < 4; ++i)
    count *= dims[i] = atoll(argv[1 + i]);
  float *data = __real_malloc(count * sizeof(float));
  for (int64_t i = 0; i < count; ++i)
    data[i] = (float)(i % 17) * 0.1f;
  MemRef4D in = {data, data, 0, {0}, {0}};
  for (int64_t d = 3, stride = 1; d >= 0; --d) {
    in.sizes[d] = dims[d];
    in.strides[d] = stride;
    stride *= dims[d];
  }
  AnyMemRef first, second;
  _mlir_ciface_qmlir_model(&first, &in);
  mallocs = 0;
  _mlir_ciface_qmlir_model(&second, &in);
  long n = mallocs;
  int64_t outCount = 1;
  for (int d = 0; d < rank; ++d)
    outCount *= first.words[1 + d];
  int same = memcmp(first.aligned + first.words[0],
                    second.aligned + second.words[0],
                    outCount * sizeof(float)) == 0;
  printf("mallocs per inference: %ld\nrepeatable: %s\n", n, same ? "yes" : "no");
  free(first.allocated);
  free(second.allocated);
  free(data);
  return 0;
}
