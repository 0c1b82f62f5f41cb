// RUN: quant-opt %s --qnn-cpu-vector-math | FileCheck %s

// Vector exp and tanh become polynomial arithmetic; the scalar exp stays.
// CHECK-LABEL: func.func @f
// CHECK-NOT: math.exp {{.*}} : vector
// CHECK-NOT: math.tanh
// CHECK: math.fma {{.*}} : vector<16xf32>
// CHECK: %[[X:.*]] = math.exp %{{.*}} : f32
// CHECK: return {{.*}}, %[[X]] : vector<16xf32>, vector<16xf32>, f32
func.func @f(%v: vector<16xf32>, %s: f32) -> (vector<16xf32>, vector<16xf32>, f32) {
  %e = math.exp %v : vector<16xf32>
  %t = math.tanh %v : vector<16xf32>
  %x = math.exp %s : f32
  return %e, %t, %x : vector<16xf32>, vector<16xf32>, f32
}
