/*===- model_driver.c - Run a compiled qmlir model from C -----------------===*
 *
 * Part of the qmlir project.
 *
 * Calls the C interface of a model compiled by `quant-compile --target ... -o
 * model.o` (one NHWC f32 input; one 1xK f32 output written into a buffer the
 * caller passes) on raw f32 input files and prints each output as f32 bit
 * patterns in hex, in the format of `quant-compile --dump-outputs`, so that
 * two targets can be compared bit for bit.
 *
 * Usage: model_driver N H W C K input.bin...
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
} MemRef4D;

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} MemRef2D;

void _mlir_ciface_qmlir_model(MemRef4D *input, MemRef2D *output);

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s N H W C K input.bin...\n", argv[0]);
    return 2;
  }
  int64_t dims[4], count = 1, k = atoll(argv[5]);
  for (int i = 0; i < 4; ++i) {
    dims[i] = atoll(argv[1 + i]);
    count *= dims[i];
  }
  float *data = malloc(count * sizeof(float));
  float *result = malloc(k * sizeof(float));
  for (int f = 6; f < argc; ++f) {
    FILE *file = fopen(argv[f], "rb");
    if (!file || fread(data, sizeof(float), count, file) != (size_t)count) {
      fprintf(stderr, "cannot read %lld floats from %s\n", (long long)count,
              argv[f]);
      return 1;
    }
    fclose(file);
    MemRef4D in = {data, data, 0, {0}, {0}};
    int64_t stride = 1;
    for (int d = 3; d >= 0; --d) {
      in.sizes[d] = dims[d];
      in.strides[d] = stride;
      stride *= dims[d];
    }
    MemRef2D out = {result, result, 0, {1, k}, {k, 1}};
    _mlir_ciface_qmlir_model(&in, &out);
    const char *name = strrchr(argv[f], '/');
    printf("%s", name ? name + 1 : argv[f]);
    for (int64_t i = 0; i < out.sizes[0] * out.sizes[1]; ++i) {
      uint32_t bits;
      memcpy(&bits, out.aligned + out.offset + i, 4);
      printf(" %08x", bits);
    }
    printf("\n");
  }
  free(result);
  free(data);
  return 0;
}
