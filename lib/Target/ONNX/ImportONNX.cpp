//===- ImportONNX.cpp - ONNX model import ---------------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// ONNX (protobuf, through Debian's libonnx) to TOSA + qnn. Shapes come from
// ONNX's own shape inference; every op of the function gets a static type.
// Layout: the function keeps ONNX's NCHW; convolutions, pooling and batch
// norm work on NHWC between a pair of tosa.transpose, and the transposes
// between consecutive layout-sensitive ops cancel (tosa-reduce-transposes and
// the transpose folds run after import).
//
// This translation unit is built with exceptions: libonnx reports shape
// inference failures by throwing, and they must become diagnostics.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/ONNX.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Support/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::qmlir;

/// Checks that `t`'s data matches its shape and element type (bytes of
/// raw_data, or the count of its typed field): an error message, or empty.
/// Runs on every tensor of the model before ONNX's shape inference, which
/// reads such data without checking it (a Reshape shape whose raw_data is
/// not a whole number of int64 overflows a heap buffer there), and before
/// the importer allocates anything for it.
static std::string checkTensorData(const onnx::TensorProto &t) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return "tensor '" + t.name() +
           "' uses external data, which is not "
           "supported";
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && count > (int64_t(1) << 31) / d))
      return "tensor '" + t.name() + "' has an invalid or too large shape";
    count *= d;
  }
  int64_t bytes = 0;
  const char *field = "int32_data";
  int64_t fieldSize = t.int32_data_size();
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    bytes = 4, field = "float_data", fieldSize = t.float_data_size();
    break;
  case onnx::TensorProto::DOUBLE:
    bytes = 8, field = "double_data", fieldSize = t.double_data_size();
    break;
  case onnx::TensorProto::INT64:
    bytes = 8, field = "int64_data", fieldSize = t.int64_data_size();
    break;
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::UINT32:
    bytes = t.data_type() == onnx::TensorProto::UINT64 ? 8 : 4;
    field = "uint64_data", fieldSize = t.uint64_data_size();
    break;
  case onnx::TensorProto::INT32:
    bytes = 4;
    break;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    bytes = 2;
    break;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    bytes = 1;
    break;
  default: // strings, complex and narrower types: the importer rejects them
    return "";
  }
  if (t.has_raw_data()) {
    if (static_cast<int64_t>(t.raw_data().size()) != count * bytes)
      return "tensor '" + t.name() + "' has " +
             std::to_string(t.raw_data().size()) + " bytes of data, expected " +
             std::to_string(count * bytes);
    return "";
  }
  if (fieldSize != count)
    return "tensor '" + t.name() + "' has " + std::to_string(fieldSize) +
           " elements, expected " + std::to_string(count) + " (" + field + ")";
  return "";
}

/// checkTensorData on every initializer and tensor attribute of `graph`
/// and of its subgraphs.
static std::string checkGraphData(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &t : graph.initializer())
    if (std::string e = checkTensorData(t); !e.empty())
      return e;
  for (const onnx::NodeProto &n : graph.node())
    for (const onnx::AttributeProto &a : n.attribute()) {
      std::string e;
      if (a.has_t())
        e = checkTensorData(a.t());
      for (const onnx::TensorProto &t : a.tensors())
        if (e.empty())
          e = checkTensorData(t);
      if (e.empty() && a.has_g())
        e = checkGraphData(a.g());
      for (const onnx::GraphProto &g : a.graphs())
        if (e.empty())
          e = checkGraphData(g);
      if (!e.empty())
        return "node '" + n.name() + "' (" + n.op_type() + "): " + e;
    }
  return "";
}

/// Every node input of `graph` names a value: a graph input, an
/// initializer, a node's output or, in a subgraph, a value `visible` from
/// the enclosing graphs. (ONNX also wants the nodes in topological order;
/// the importer orders them itself.) libonnx's shape inference dereferences
/// the missing type of an input that nothing defines. An error message, or
/// empty.
static std::string checkInputsDefined(const onnx::GraphProto &graph,
                                      llvm::StringSet<> visible,
                                      bool topLevel) {
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    // The model's inputs need a type (libonnx reads it unchecked).
    if (topLevel && vi.type().value_case() == onnx::TypeProto::VALUE_NOT_SET)
      return "graph input '" + vi.name() + "' has no type";
    visible.insert(vi.name());
  }
  for (const onnx::TensorProto &t : graph.initializer())
    visible.insert(t.name());
  for (const onnx::SparseTensorProto &t : graph.sparse_initializer())
    visible.insert(t.values().name());
  for (const onnx::NodeProto &n : graph.node())
    for (const std::string &output : n.output())
      if (!output.empty())
        visible.insert(output);
  for (const onnx::NodeProto &n : graph.node()) {
    for (const std::string &input : n.input())
      if (!input.empty() && !visible.contains(input))
        return "node '" + n.name() + "' (" + n.op_type() + "): input '" +
               input +
               "' is not defined (by a graph input, an initializer or a "
               "node)";
    for (const onnx::AttributeProto &a : n.attribute()) {
      if (a.has_g())
        if (std::string e = checkInputsDefined(a.g(), visible, false);
            !e.empty())
          return e;
      for (const onnx::GraphProto &g : a.graphs())
        if (std::string e = checkInputsDefined(g, visible, false); !e.empty())
          return e;
    }
  }
  return "";
}

/// The integer (or bool) values of `t`, whose data checkTensorData has
/// checked; nullopt for a float or unsupported type.
static std::optional<SmallVector<int64_t>>
tensorInts(const onnx::TensorProto &t) {
  int64_t count = 1;
  for (int64_t d : t.dims())
    count *= d;
  SmallVector<int64_t> v;
  auto fromRaw = [&](auto sample) {
    using T = decltype(sample);
    for (int64_t i = 0; i < count; ++i) {
      T x;
      std::memcpy(&x, t.raw_data().data() + i * sizeof(T), sizeof(T));
      v.push_back(int64_t(x));
    }
  };
  switch (t.data_type()) {
  case onnx::TensorProto::INT64:
    if (t.has_raw_data())
      fromRaw(int64_t());
    else
      v.assign(t.int64_data().begin(), t.int64_data().end());
    return v;
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    if (!t.has_raw_data()) {
      v.assign(t.int32_data().begin(), t.int32_data().end());
    } else if (t.data_type() == onnx::TensorProto::INT32) {
      fromRaw(int32_t());
    } else if (t.data_type() == onnx::TensorProto::INT8) {
      fromRaw(int8_t());
    } else {
      fromRaw(uint8_t());
    }
    return v;
  default:
    return std::nullopt;
  }
}

/// Renames, in `graph` and its subgraphs, every use and definition of a
/// name in `renames`.
static void renameValues(onnx::GraphProto &graph,
                         const llvm::StringMap<std::string> &renames) {
  auto apply = [&](std::string *name) {
    auto it = renames.find(*name);
    if (it != renames.end())
      *name = it->second;
  };
  for (onnx::TensorProto &t : *graph.mutable_initializer())
    apply(t.mutable_name());
  for (onnx::ValueInfoProto &vi : *graph.mutable_value_info())
    apply(vi.mutable_name());
  for (onnx::ValueInfoProto &vi : *graph.mutable_output())
    apply(vi.mutable_name());
  for (onnx::NodeProto &n : *graph.mutable_node()) {
    for (std::string &in : *n.mutable_input())
      apply(&in);
    for (std::string &out : *n.mutable_output())
      apply(&out);
    for (onnx::AttributeProto &a : *n.mutable_attribute()) {
      if (a.has_g())
        renameValues(*a.mutable_g(), renames);
      for (onnx::GraphProto &g : *a.mutable_graphs())
        renameValues(g, renames);
    }
  }
}

/// Replaces every If node of `graph` whose condition is a constant (an
/// initializer, after folding: a sample rate fixed with --input-value
/// compared with 16000, a static size compared with a constant) by the
/// nodes of the branch it takes, then an Identity per output. The branch's
/// own names that clash with names of `graph` are renamed. Returns the
/// number of If nodes inlined, or an error message in `error`.
static int inlineConstantIfs(onnx::GraphProto &graph, std::string &error) {
  // Single-value integer constants: initializers and Constant nodes.
  llvm::StringMap<int64_t> known;
  auto record = [&](const std::string &name, const onnx::TensorProto &t) {
    auto v = tensorInts(t);
    if (v && v->size() == 1)
      known[name] = (*v)[0];
  };
  for (const onnx::TensorProto &t : graph.initializer())
    record(t.name(), t);
  for (const onnx::NodeProto &n : graph.node())
    if (n.op_type() == "Constant" && n.output_size() == 1)
      for (const onnx::AttributeProto &a : n.attribute())
        if (a.name() == "value" && a.has_t())
          record(n.output(0), a.t());
  llvm::StringSet<> taken;
  for (const onnx::ValueInfoProto &vi : graph.input())
    taken.insert(vi.name());
  for (const onnx::TensorProto &t : graph.initializer())
    taken.insert(t.name());
  for (const onnx::NodeProto &m : graph.node())
    for (const std::string &o : m.output())
      taken.insert(o);
  int inlined = 0;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  std::vector<onnx::TensorProto> newInits;
  std::vector<onnx::ValueInfoProto> newInfos;
  for (onnx::NodeProto &n : *graph.mutable_node()) {
    auto cond = n.op_type() == "If" && n.domain().empty() && n.input_size() == 1
                    ? known.find(n.input(0))
                    : known.end();
    if (cond == known.end()) {
      *nodes.Add() = std::move(n);
      continue;
    }
    const char *branchName = cond->second ? "then_branch" : "else_branch";
    const onnx::GraphProto *branch = nullptr;
    for (const onnx::AttributeProto &a : n.attribute())
      if (a.name() == branchName && a.has_g())
        branch = &a.g();
    if (!branch) {
      error = "node '" + n.name() + "' (If): no " + branchName;
      return 0;
    }
    if (branch->output_size() != n.output_size()) {
      error = "node '" + n.name() + "' (If): the " + branchName + " has " +
              std::to_string(branch->output_size()) + " outputs, the node " +
              std::to_string(n.output_size());
      return 0;
    }
    // Names the branch defines that the graph already has get a suffix.
    onnx::GraphProto body = *branch;
    llvm::StringMap<std::string> renames;
    auto define = [&](const std::string &name) {
      if (name.empty() || !taken.contains(name) || renames.contains(name))
        return;
      std::string fresh;
      for (int k = 0; fresh.empty() || taken.contains(fresh); ++k)
        fresh = name + "__" + n.name() + "_" + std::to_string(k);
      renames[name] = fresh;
      taken.insert(fresh);
    };
    for (const onnx::TensorProto &t : body.initializer())
      define(t.name());
    for (const onnx::NodeProto &m : body.node())
      for (const std::string &o : m.output())
        define(o);
    renameValues(body, renames);
    for (const onnx::TensorProto &t : body.initializer())
      taken.insert(t.name());
    for (const onnx::NodeProto &m : body.node())
      for (const std::string &o : m.output())
        taken.insert(o);
    for (onnx::TensorProto &t : *body.mutable_initializer())
      newInits.push_back(std::move(t));
    for (onnx::ValueInfoProto &vi : *body.mutable_value_info())
      newInfos.push_back(std::move(vi));
    for (onnx::NodeProto &m : *body.mutable_node())
      *nodes.Add() = std::move(m);
    for (int i = 0; i < n.output_size(); ++i) {
      if (n.output(i).empty())
        continue;
      onnx::NodeProto *id = nodes.Add();
      id->set_op_type("Identity");
      id->set_name(n.name() + "/" + branchName + "/output_" +
                   std::to_string(i));
      id->add_input(body.output(i).name());
      id->add_output(n.output(i));
    }
    ++inlined;
  }
  graph.mutable_node()->Swap(&nodes);
  for (onnx::TensorProto &t : newInits)
    *graph.add_initializer() = std::move(t);
  for (onnx::ValueInfoProto &vi : newInfos)
    *graph.add_value_info() = std::move(vi);
  return inlined;
}

/// Runs libonnx's shape inference on `model` in a child process: libonnx
/// trusts its input, and the checks above cover the crashes found so far,
/// not every one; a crash there now ends the child, and the import fails
/// with a diagnostic. The inferred model comes back serialized through a
/// pipe. An error message, or empty.
static std::string inferShapesIsolated(onnx::ModelProto &model) {
  auto infer = [&]() -> std::string {
    try {
      onnx::ShapeInferenceOptions inference(/*check_type_val=*/false,
                                            /*strict_mode_val=*/0,
                                            /*data_prop_val=*/true);
      onnx::shape_inference::InferShapes(
          model, onnx::OpSchemaRegistry::Instance(), inference);
    } catch (const std::exception &e) {
      return std::string("ONNX shape inference failed: ") + e.what();
    }
    return "";
  };
  int fds[2];
  if (pipe(fds) != 0)
    return infer(); // no isolation rather than no import
  pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return infer();
  }
  if (child == 0) {
    // The child: 'E' and a message, or 'M' and the inferred model. A crash
    // kills it quietly (not through the tool's crash reporter).
    close(fds[0]);
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
      signal(sig, SIG_DFL);
    std::string error = infer(), reply;
    if (!error.empty())
      reply = "E" + error;
    else if (!model.SerializeToString(&reply))
      reply = "Ecannot serialize the inferred model";
    else
      reply.insert(0, "M");
    for (size_t done = 0; done < reply.size();) {
      ssize_t n = write(fds[1], reply.data() + done, reply.size() - done);
      if (n <= 0)
        break;
      done += n;
    }
    _exit(0);
  }
  close(fds[1]);
  std::string reply;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    reply.append(buffer, n);
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    return "ONNX shape inference crashed on this model (signal " +
           std::to_string(WTERMSIG(status)) +
           "): it is malformed in a way the importer does not check yet";
  if (reply.empty() || (reply[0] != 'E' && reply[0] != 'M'))
    return "ONNX shape inference ended without a result";
  if (reply[0] == 'E')
    return reply.substr(1);
  if (!model.ParseFromString(reply.substr(1)))
    return "cannot read back the inferred model";
  return "";
}

/// The inputs of each node of `graph` that share a type parameter of the
/// operator's schema ("T" of both Conv operands) have one element type, as
/// far as the graph inputs, initializers and inferred value types say. The
/// handlers build TOSA ops that assume it. An error message, or empty.
static std::string checkTypeConstraints(const onnx::GraphProto &graph,
                                        int64_t opset) {
  llvm::StringMap<int32_t> elemTypes;
  auto note = [&](const onnx::ValueInfoProto &vi) {
    if (vi.type().has_tensor_type() && vi.type().tensor_type().elem_type())
      elemTypes[vi.name()] = vi.type().tensor_type().elem_type();
  };
  for (const onnx::ValueInfoProto &vi : graph.input())
    note(vi);
  for (const onnx::ValueInfoProto &vi : graph.value_info())
    note(vi);
  for (const onnx::ValueInfoProto &vi : graph.output())
    note(vi);
  for (const onnx::TensorProto &t : graph.initializer())
    elemTypes[t.name()] = t.data_type();
  for (const onnx::NodeProto &n : graph.node()) {
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
        n.op_type(), static_cast<int>(opset), n.domain());
    if (!schema || schema->inputs().empty())
      continue;
    const auto &formals = schema->inputs();
    std::set<std::string> params;
    for (const auto &param : schema->typeConstraintParams())
      params.insert(param.type_param_str);
    std::map<std::string, std::pair<int32_t, std::string>> bound;
    for (int i = 0; i < n.input_size(); ++i) {
      size_t f = std::min<size_t>(i, formals.size() - 1);
      if (static_cast<size_t>(i) >= formals.size() &&
          (formals.back().GetOption() != onnx::OpSchema::Variadic ||
           !formals.back().GetIsHomogeneous()))
        break;
      const std::string &param = formals[f].GetTypeStr();
      auto type = elemTypes.find(n.input(i));
      if (n.input(i).empty() || !params.count(param) || type == elemTypes.end())
        continue;
      auto [it, inserted] = bound.try_emplace(param, type->second, n.input(i));
      if (!inserted && it->second.first != type->second)
        return "node '" + n.name() + "' (" + n.op_type() + "): inputs '" +
               it->second.second + "' and '" + n.input(i) +
               "' must have one element type (" + param + "), not " +
               onnx::TensorProto_DataType_Name(it->second.first) + " and " +
               onnx::TensorProto_DataType_Name(type->second);
    }
  }
  return "";
}

/// What ONNX's shape inference (libonnx, which segfaults on these rather
/// than throwing) needs of `graph`'s nodes: every input defined, every
/// required input present (a Shape node without its input),
/// and the ranks of the convolution and MaxUnpool operands equal where the
/// graph inputs, initializers and Constant nodes give them. An error message,
/// or empty.
static std::string checkBeforeInference(const onnx::GraphProto &graph,
                                        int64_t opset) {
  if (std::string e = checkInputsDefined(graph, {}, true); !e.empty())
    return e;
  llvm::StringMap<int64_t> ranks;
  for (const onnx::ValueInfoProto &vi : graph.input())
    if (vi.type().tensor_type().has_shape())
      ranks[vi.name()] = vi.type().tensor_type().shape().dim_size();
  for (const onnx::TensorProto &t : graph.initializer())
    ranks[t.name()] = t.dims_size();
  for (const onnx::NodeProto &n : graph.node())
    if (n.op_type() == "Constant" && n.output_size() == 1)
      for (const onnx::AttributeProto &a : n.attribute())
        if (a.name() == "value" && a.has_t())
          ranks[n.output(0)] = a.t().dims_size();
  for (const onnx::NodeProto &n : graph.node()) {
    std::string where = "node '" + n.name() + "' (" + n.op_type() + "): ";
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
        n.op_type(), static_cast<int>(opset), n.domain());
    if (!schema)
      continue; // the importer names an unknown operator itself
    // Required attributes present (a Scan without its body), and typed
    // as the schema says where the file gives a type.
    for (const auto &[name, formal] : schema->attributes())
      if (formal.required &&
          llvm::none_of(n.attribute(), [&](const onnx::AttributeProto &a) {
            return a.name() == name;
          }))
        return where + "required attribute '" + name + "' is missing";
    for (const onnx::AttributeProto &a : n.attribute()) {
      auto formal = schema->attributes().find(a.name());
      if (formal != schema->attributes().end() &&
          a.type() != onnx::AttributeProto::UNDEFINED &&
          a.type() != formal->second.type)
        return where + "attribute '" + a.name() + "' is " +
               onnx::AttributeProto_AttributeType_Name(a.type()) +
               ", expected " +
               onnx::AttributeProto_AttributeType_Name(formal->second.type);
      if (a.type() == onnx::AttributeProto::GRAPH && !a.has_g())
        return where + "attribute '" + a.name() + "' has no graph";
    }
    const auto &formals = schema->inputs();
    for (size_t i = 0; i < formals.size(); ++i)
      if (formals[i].GetOption() == onnx::OpSchema::Single &&
          (static_cast<int>(i) >= n.input_size() || n.input(i).empty()))
        return where + "required input " + std::to_string(i) + " ('" +
               formals[i].GetName() + "') is missing";
    // Operand pairs of equal rank.
    int64_t other = n.op_type() == "QLinearConv" ? 3 : 1;
    bool pair = n.op_type() == "Conv" || n.op_type() == "ConvInteger" ||
                n.op_type() == "ConvTranspose" ||
                n.op_type() == "QLinearConv" || n.op_type() == "MaxUnpool";
    if (pair && n.input_size() > other) {
      auto x = ranks.find(n.input(0)), w = ranks.find(n.input(other));
      if (x != ranks.end() && w != ranks.end() && x->second != w->second)
        return where + "input '" + n.input(0) + "' has rank " +
               std::to_string(x->second) + ", input '" + n.input(other) +
               "' rank " + std::to_string(w->second) + "; they must match";
    }
  }
  return "";
}

namespace {

constexpr int64_t kMinOpset = 1, kMaxOpset = 18;

/// Thrown inside the importer to abandon the model after a diagnostic.
struct ImportError {};

class Importer {
public:
  Importer(MLIRContext *ctx, const onnx::ModelProto &model,
           const ONNXImportOptions &options, StringRef sourceName)
      : ctx(ctx), b(ctx), model(model), options(options),
        fileLoc(FileLineColLoc::get(ctx, sourceName, 0, 0)) {}

  FailureOr<OwningOpRef<ModuleOp>> run();

  /// Folds the shape computations whose inputs are known into constants
  /// (without importing anything); returns them by output name.
  llvm::StringMap<onnx::TensorProto> foldShapeComputations();

private:
  using Handler = std::function<void(Importer &)>;
  static const llvm::StringMap<Handler> &handlers();

  // Diagnostics.
  [[noreturn]] void fail(const Twine &message);
  [[noreturn]] void failNode(const Twine &message);
  /// The node is valid ONNX but outside what the importer handles.
  [[noreturn]] void unsupported(const Twine &message);
  /// `axis` (possibly negative) checked against `rank` and made positive.
  int64_t normAxis(int64_t axis, int64_t rank);
  /// The single value of constant float input `i`.
  double scalarFloat(int64_t i);

  // Types and constants.
  Type elementType(int32_t onnxType);
  DenseElementsAttr tensorAttr(const onnx::TensorProto &tensor);
  RankedTensorType staticType(const std::string &name);
  /// Whether input `i` is an ONNX bool (an i8 of 0 or 1 here).
  bool isBoolInput(int64_t i);
  /// Whether input `i` holds unsigned integers (ONNX uint8..uint64).
  bool isUnsignedInput(int64_t i);
  /// Integer arithmetic outside TOSA's profiles (i64, 8- and 16-bit, the
  /// unsigned types) as one elementwise loop of arith ops.
  void importIntegerBinary(StringRef op, bool isUnsigned);
  std::optional<RankedTensorType> tryStaticType(const std::string &name);

  // Node access.
  int64_t numInputs() const;
  bool hasInput(int64_t i) const;
  Value input(int64_t i);
  RankedTensorType inputType(int64_t i);
  std::optional<DenseElementsAttr> constantInput(int64_t i);
  void importRange();
  SmallVector<int64_t> constantInts(int64_t i);
  SmallVector<double> constantFloats(int64_t i);
  RankedTensorType outputType(int64_t i = 0);
  void setOutput(Value v, int64_t i = 0);
  const onnx::AttributeProto *attr(StringRef name) const;
  int64_t intAttr(StringRef name, int64_t dflt) const;
  float floatAttr(StringRef name, float dflt) const;
  std::string stringAttr(StringRef name, StringRef dflt) const;
  SmallVector<int64_t> intsAttr(StringRef name) const;
  /// An int list given as an attribute before `opsetMoved`, as input `i` from it.
  SmallVector<int64_t> intsFromAttrOrInput(StringRef name, int64_t i,
                                           int64_t opsetMoved);

  // TOSA building blocks.
  Value constF32(ArrayRef<int64_t> shape, ArrayRef<float> values);
  Value splat(Type elem, double value, int64_t rank);
  Value shapeValue(ArrayRef<int64_t> shape);
  Value reshape(Value v, ArrayRef<int64_t> shape);
  Value transpose(Value v, ArrayRef<int32_t> perm);
  Value toNHWC(Value v) { return transpose(v, {0, 2, 3, 1}); }
  Value toNCHW(Value v) { return transpose(v, {0, 3, 1, 2}); }
  /// Reshapes `v` to `rank` by prepending ones (numpy broadcasting).
  Value rankTo(Value v, int64_t rank);
  Value mul(Value a, Value c);
  /// An elementwise linalg.generic over `operands` (numpy broadcasting) for
  /// what TOSA cannot say exactly (f32 division, rounding half to even).
  Value elementwise(ValueRange operands, Type resultElement,
                    function_ref<Value(OpBuilder &, Location, ValueRange)> body);
  Value clamp(Value v, float lo, float hi);
  std::pair<Value, Value> broadcastPair(Value a, Value c);

  /// Records the value of a Constant node (value, value_int(s),
  /// value_float(s)); other forms are left undefined (and diagnosed where
  /// used).
  void collectConstant(const onnx::NodeProto &n);
  /// Evaluates shape computations (Shape, Cast, Slice, Concat, Gather,
  /// Squeeze, Unsqueeze, Reshape and integer arithmetic on constants) at
  /// import time; returns true if the node became a constant.
  bool foldConstantNode();
  std::optional<SmallVector<int64_t>> constantIntValues(int64_t i);

  // Op families.
  void importCast(int64_t toType = -1);
  void importBinary(StringRef op);
  void importUnary(StringRef op);
  void importConv();
  void importConvTranspose();
  void importResize();
  void importPool(StringRef op);
  void importBatchNorm();
  void importMatMul();
  void importGemm();
  void importReshapeLike(StringRef op);
  void importTranspose();
  void importConcat();
  void importSoftmax(bool log = false);
  void importReduceMean();
  void importArgMax(bool min);
  void importCompare(StringRef op);
  void importLogical(StringRef op);
  void importTrilu();
  void importMath(StringRef op);
  void importWhere();
  void importExpand();
  void importTile();
  void importConstantOfShape();
  /// HannWindow, HammingWindow, BlackmanWindow of a compile-time size.
  void importWindow(StringRef op);
  /// MelWeightMatrix of compile-time inputs: a constant.
  void importMelWeightMatrix();
  /// STFT of a real signal with a compile-time frame step, length and
  /// window: a strided convolution whose filters are the windowed DFT rows.
  void importSTFT();
  /// DFT (opset 17) of a compile-time length along one axis: one matmul by
  /// a constant basis of cos and sin rows.
  void importDFT();
  /// Einsum of one or two f32 operands without ellipses or repeated labels
  /// in an operand: sums, transposes and one batched matmul.
  void importEinsum();
  /// TopK of a compile-time K (up to 64) on f32: K rounds of a maximum and
  /// the first position that holds it among those not yet taken.
  void importTopK();
  /// The single value of compile-time input `i` (an integer or a float);
  /// `what` names it in the diagnostic when it is not a constant.
  double constantScalar(int64_t i, const Twine &what);
  void importMod();
  void importGather(bool elements);
  void importDepthToSpace(bool toSpace);
  void importHardmax();
  void importCumSum();
  void importRecurrent(StringRef op);
  void importReduce(StringRef op);
  void importSlice();
  void importSplit();
  void importPad();
  void importClip();
  void importQuantizeLinear(bool quantize);
  /// The quantized type of input `value` with scale input `scale` and zero
  /// point input `zp` (constants), per tensor or per axis `axis`.
  Type quantizedType(int64_t valueInput, int64_t scale, int64_t zp,
                     int64_t axis);
  void importQLinear(bool conv);
  /// Strides, dilations and TOSA pads of the 2-D convolution node with input
  /// type `xt` and weight type `wt`.
  struct ConvGeometry {
    SmallVector<int64_t> strides, dilations, pads;
  };
  ConvGeometry convGeometry(RankedTensorType xt, RankedTensorType wt,
                            bool oneDimensional = false);
  /// A qnn.conv2d of the NCHW storage tensors `x` and `w` (OIHW) seen as
  /// `xq` and `wq`, in NHWC between transposes; returns the NCHW result of
  /// element type `outElement` (quantized, or i32 without requantization).
  Value buildQuantizedConv(Value x, Type xq, Value w, Type wq, Value bias,
                           Type outElement, DenseI32ArrayAttr multiplier,
                           DenseI32ArrayAttr shift, IntegerAttr clampMin,
                           IntegerAttr clampMax,
                           qnn::RoundingModeAttr rounding);
  void importInteger(bool conv);
  void importLayerNorm();

  MLIRContext *ctx;
  OpBuilder b;
  const onnx::ModelProto &model;
  const ONNXImportOptions &options;
  Location fileLoc;
  Location loc = fileLoc;
  int64_t opset = 0;
  const onnx::NodeProto *node = nullptr;
  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> constants;
  llvm::StringMap<onnx::TensorProto> nodeConstants;
  llvm::StringMap<const onnx::ValueInfoProto *> valueInfo;
  /// ONNX uint8 values (stored as signless i8).
  llvm::StringSet<> unsignedValues;
  /// Values computed as ONNX bools (comparisons, logical ops).
  llvm::StringSet<> boolValues;
};

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

void Importer::fail(const Twine &message) {
  emitError(loc) << message;
  throw ImportError();
}

void Importer::failNode(const Twine &message) {
  if (!node)
    fail(message);
  emitError(loc) << "node '" << node->name() << "' (" << node->op_type()
                 << ", opset " << opset << "): " << message;
  throw ImportError();
}

void Importer::unsupported(const Twine &message) {
  failNode("unsupported: " + message);
}

int64_t Importer::normAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    failNode("axis " + Twine(axis) + " is out of range for rank " +
             Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

double Importer::scalarFloat(int64_t i) {
  SmallVector<double> v = constantFloats(i);
  if (v.size() != 1)
    failNode("input " + Twine(i) + " must hold one value");
  return v[0];
}

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

Type Importer::elementType(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return b.getI8Type();
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return b.getI16Type();
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    // Bytes holding 0 or 1 (ONNX's layout), not i1: MLIR's lowering stores a
    // vector of i1 as packed bits but addresses a memref of i1 by bytes, so
    // an i1 tensor kept in memory between two loops is misread.
    return b.getI8Type();
  default:
    fail("unsupported: ONNX element type " + Twine(t));
  }
}

DenseElementsAttr Importer::tensorAttr(const onnx::TensorProto &t) {
  // Shape and data size agree before anything is allocated.
  if (std::string e = checkTensorData(t); !e.empty())
    fail(e);
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  Type elem = elementType(t.data_type());
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  auto type = RankedTensorType::get(shape, elem);
  unsigned bits = elem.isInteger(1) ? 8 : elem.getIntOrFloatBitWidth();
  unsigned bytesPer = bits / 8;
  std::vector<char> raw(count * bytesPer);
  if (t.has_raw_data()) {
    if (!raw.empty()) // an empty tensor (empty axes) has no data pointer
      std::memcpy(raw.data(), t.raw_data().data(), raw.size());
  } else {
    auto fill = [&](auto field, auto convert) {
      for (int64_t i = 0; i < count; ++i)
        convert(field.Get(i), raw.data() + i * bytesPer);
    };
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      fill(t.float_data(), [](float v, char *p) { std::memcpy(p, &v, 4); });
      break;
    case onnx::TensorProto::DOUBLE:
      fill(t.double_data(), [](double v, char *p) { std::memcpy(p, &v, 8); });
      break;
    case onnx::TensorProto::INT64:
      fill(t.int64_data(), [](int64_t v, char *p) { std::memcpy(p, &v, 8); });
      break;
    case onnx::TensorProto::UINT64:
      fill(t.uint64_data(),
           [](uint64_t v, char *p) { std::memcpy(p, &v, 8); });
      break;
    case onnx::TensorProto::UINT32:
      fill(t.uint64_data(), [](uint64_t v, char *p) {
        uint32_t x = uint32_t(v);
        std::memcpy(p, &x, 4);
      });
      break;
    default: // int32_data carries every narrower integer type and float16.
      fill(t.int32_data(), [bytesPer](int32_t v, char *p) {
        std::memcpy(p, &v, bytesPer);
      });
      break;
    }
  }
  if (t.data_type() == onnx::TensorProto::BOOL)
    for (char &c : raw)
      c = c != 0;
  bool detectedSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, raw, detectedSplat))
    fail("tensor '" + t.name() + "' has an invalid buffer");
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

std::optional<RankedTensorType>
Importer::tryStaticType(const std::string &name) {
  auto it = valueInfo.find(name);
  if (it == valueInfo.end() || !it->second->type().has_tensor_type())
    return std::nullopt;
  const auto &tt = it->second->type().tensor_type();
  if (!tt.has_shape())
    return std::nullopt;
  for (const auto &d : tt.shape().dim())
    if (!d.has_dim_value())
      return std::nullopt;
  return staticType(name);
}

RankedTensorType Importer::staticType(const std::string &name) {
  auto it = valueInfo.find(name);
  if (it != valueInfo.end() && !it->second->type().has_tensor_type())
    unsupported("'" + name + "' is not a tensor (sequences, maps and "
                "optionals are not supported)");
  if (it == valueInfo.end())
    failNode("no type was inferred for '" + name + "'");
  const auto &tt = it->second->type().tensor_type();
  SmallVector<int64_t> shape;
  if (!tt.has_shape())
    failNode("'" + name + "' has no inferable shape (fix the inputs with "
             "--input-shape)");
  int64_t count = 1;
  for (const auto &d : tt.shape().dim()) {
    if (!d.has_dim_value())
      failNode("'" + name + "' has a dynamic dimension that cannot be "
               "resolved (fix the inputs with --input-shape)");
    int64_t v = d.dim_value();
    if (v < 0 || (v > 0 && count > (int64_t(1) << 31) / v))
      failNode("'" + name + "' has an invalid or too large shape");
    count *= v;
    shape.push_back(v);
  }
  return RankedTensorType::get(shape, elementType(tt.elem_type()));
}

//===----------------------------------------------------------------------===//
// Node access
//===----------------------------------------------------------------------===//

int64_t Importer::numInputs() const { return node->input_size(); }

bool Importer::hasInput(int64_t i) const {
  return i < node->input_size() && !node->input(i).empty();
}

Value Importer::input(int64_t i) {
  if (!hasInput(i))
    failNode("missing input " + Twine(i));
  const std::string &name = node->input(i);
  if (Value v = values.lookup(name))
    return v;
  auto it = constants.find(name);
  if (it == constants.end())
    failNode("input '" + name + "' is not defined");
  DenseElementsAttr attr = tensorAttr(*it->second);
  OpBuilder::InsertionGuard guard(b);
  Value v = tosa::ConstOp::create(b, loc, attr.getType(), attr);
  values[name] = v;
  return v;
}

RankedTensorType Importer::inputType(int64_t i) {
  return cast<RankedTensorType>(input(i).getType());
}

std::optional<DenseElementsAttr> Importer::constantInput(int64_t i) {
  if (!hasInput(i))
    return std::nullopt;
  auto it = constants.find(node->input(i));
  if (it == constants.end())
    return std::nullopt;
  return tensorAttr(*it->second);
}

SmallVector<int64_t> Importer::constantInts(int64_t i) {
  auto attr = constantInput(i);
  if (!attr || !isa<IntegerType>(attr->getElementType()))
    unsupported("input " + Twine(i) + " that is not a constant (it must be) integer tensor");
  SmallVector<int64_t> v;
  for (APInt x : attr->getValues<APInt>())
    v.push_back(x.getSExtValue());
  return v;
}

SmallVector<double> Importer::constantFloats(int64_t i) {
  auto attr = constantInput(i);
  if (!attr || !isa<FloatType>(attr->getElementType()))
    unsupported("input " + Twine(i) + " that is not a constant (it must be) float tensor");
  SmallVector<double> v;
  for (APFloat x : attr->getValues<APFloat>())
    v.push_back(x.convertToDouble());
  return v;
}

RankedTensorType Importer::outputType(int64_t i) {
  if (i >= node->output_size())
    failNode("missing output " + Twine(i));
  return staticType(node->output(i));
}

void Importer::setOutput(Value v, int64_t i) {
  RankedTensorType expected = outputType(i);
  auto actual = cast<RankedTensorType>(v.getType());
  if (actual.getShape() != expected.getShape())
    failNode("internal shape mismatch: built " + Twine(actual.getRank()) +
             "-D result does not match ONNX shape inference");
  values[node->output(i)] = v;
}

const onnx::AttributeProto *Importer::attr(StringRef name) const {
  for (const auto &a : node->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t Importer::intAttr(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float Importer::floatAttr(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string Importer::stringAttr(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

SmallVector<int64_t> Importer::intsAttr(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

SmallVector<int64_t> Importer::intsFromAttrOrInput(StringRef name, int64_t i,
                                                   int64_t opsetMoved) {
  if (opset < opsetMoved)
    return intsAttr(name);
  return hasInput(i) ? constantInts(i) : SmallVector<int64_t>();
}

//===----------------------------------------------------------------------===//
// TOSA building blocks
//===----------------------------------------------------------------------===//

Value Importer::constF32(ArrayRef<int64_t> shape, ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, values));
}

Value Importer::splat(Type elem, double value, int64_t rank) {
  auto type = RankedTensorType::get(SmallVector<int64_t>(rank, 1), elem);
  Attribute v = isa<FloatType>(elem)
                    ? Attribute(b.getFloatAttr(elem, value))
                    : Attribute(b.getIntegerAttr(elem, int64_t(value)));
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, v));
}

Value Importer::shapeValue(ArrayRef<int64_t> shape) {
  auto attrType =
      RankedTensorType::get({(int64_t)shape.size()}, b.getIndexType());
  return tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(ctx, shape.size()),
      DenseIntElementsAttr::get(attrType, shape));
}

Value Importer::reshape(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  // Constants (weights) are reshaped here, so that transpose() folds them.
  DenseElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)) && type.hasStaticShape())
    return tosa::ConstOp::create(b, loc, type.clone(shape),
                                 attr.reshape(type.clone(shape)));
  return tosa::ReshapeOp::create(b, loc, type.clone(shape), v,
                                 shapeValue(shape));
}

Value Importer::transpose(Value v, ArrayRef<int32_t> perm) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (int32_t p : perm)
    shape.push_back(type.getDimSize(p));
  auto resultType = type.clone(shape);
  // A constant (weights) is transposed here, so that the rest of the import
  // sees it constant (TOSA's folder leaves large non-splat transposes alone).
  DenseElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)) && type.hasStaticShape())
    if (DenseElementsAttr folded = transposeConstant(attr, perm))
      return tosa::ConstOp::create(b, loc, resultType, folded);
  return tosa::TransposeOp::create(b, loc, resultType, v, perm);
}

Value Importer::rankTo(Value v, int64_t rank) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() >= rank)
    return v;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  shape.append(type.getShape().begin(), type.getShape().end());
  return reshape(v, shape);
}

std::pair<Value, Value> Importer::broadcastPair(Value a, Value c) {
  int64_t rank = std::max(cast<RankedTensorType>(a.getType()).getRank(),
                          cast<RankedTensorType>(c.getType()).getRank());
  return {rankTo(a, rank), rankTo(c, rank)};
}

Value Importer::mul(Value a, Value c) {
  auto [x, y] = broadcastPair(a, c);
  auto tx = cast<RankedTensorType>(x.getType());
  auto ty = cast<RankedTensorType>(y.getType());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < tx.getRank(); ++d)
    shape.push_back(std::max(tx.getDimSize(d), ty.getDimSize(d)));
  auto shiftType = RankedTensorType::get({1}, b.getI8Type());
  Value shift = tosa::ConstOp::create(
      b, loc, shiftType, DenseElementsAttr::get(shiftType, int8_t(0)));
  return tosa::MulOp::create(b, loc, tx.clone(shape), x, y, shift);
}


Value Importer::elementwise(
    ValueRange operands, Type resultElement,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = 0;
  for (Value v : operands)
    rank = std::max(rank, cast<RankedTensorType>(v.getType()).getRank());
  SmallVector<Value> inputs;
  SmallVector<int64_t> shape(rank, 1);
  for (Value v : operands) {
    Value r = rankTo(v, rank);
    inputs.push_back(r);
    auto t = cast<RankedTensorType>(r.getType());
    // numpy broadcasting: a dimension of 1 takes the other size, 0 included.
    for (int64_t d = 0; d < rank; ++d)
      if (t.getDimSize(d) != 1)
        shape[d] = t.getDimSize(d);
  }
  SmallVector<AffineMap> maps;
  for (Value v : inputs) {
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(t.getDimSize(d) == 1 && shape[d] != 1
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(d));
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, shape, resultElement);
  return linalg::GenericOp::create(
             b, loc, RankedTensorType::get(shape, resultElement), inputs, init,
             maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nl, body(nb, nl, args.drop_back()));
             })
      .getResult(0);
}

Value Importer::clamp(Value v, float lo, float hi) {
  auto type = cast<RankedTensorType>(v.getType());
  return tosa::ClampOp::create(b, loc, type, v, b.getF32FloatAttr(lo),
                               b.getF32FloatAttr(hi));
}


//===----------------------------------------------------------------------===//
// Import-time evaluation of shape computations
//===----------------------------------------------------------------------===//

void Importer::collectConstant(const onnx::NodeProto &n) {
  onnx::TensorProto t;
  bool known = false;
  auto fill = [&](int32_t type, const auto &values, bool isList) {
    t.set_data_type(type);
    if (isList)
      t.add_dims(values.size());
    for (auto v : values) {
      if (type == onnx::TensorProto::INT64)
        t.add_int64_data(v);
      else
        t.add_float_data(v);
    }
    known = true;
  };
  for (const auto &a : n.attribute()) {
    if (a.name() == "value" && a.has_t()) {
      t = a.t();
      known = true;
    } else if (a.name() == "value_int") {
      fill(onnx::TensorProto::INT64, std::vector<int64_t>{a.i()}, false);
    } else if (a.name() == "value_ints") {
      fill(onnx::TensorProto::INT64, a.ints(), true);
    } else if (a.name() == "value_float") {
      fill(onnx::TensorProto::FLOAT, std::vector<float>{a.f()}, false);
    } else if (a.name() == "value_floats") {
      fill(onnx::TensorProto::FLOAT, a.floats(), true);
    }
  }
  if (!known || n.output_size() != 1)
    return;
  t.set_name(n.output(0));
  nodeConstants[n.output(0)] = t;
}

std::optional<SmallVector<int64_t>> Importer::constantIntValues(int64_t i) {
  auto attr = constantInput(i);
  if (!attr)
    return std::nullopt;
  SmallVector<int64_t> v;
  if (isa<IntegerType>(attr->getElementType()))
    for (APInt x : attr->getValues<APInt>())
      v.push_back(x.getSExtValue());
  else
    for (APFloat x : attr->getValues<APFloat>())
      v.push_back(int64_t(x.convertToDouble()));
  return v;
}

bool Importer::foldConstantNode() {
  StringRef op = node->op_type();
  static const llvm::StringSet<> foldable = {
      "Shape", "Size", "Cast", "Slice", "Concat", "Gather", "Squeeze",
      "Unsqueeze", "Reshape", "Add", "Sub", "Mul", "Div", "Identity",
      // Conditions of If nodes (a sample rate compared with a constant).
      "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And",
      "Or", "Xor", "Transpose", "ConstantOfShape"};
  static const llvm::StringSet<> boolResult = {
      "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
      "Not",   "And",  "Or",      "Xor"};
  if (!foldable.contains(op) || node->output_size() != 1)
    return false;
  SmallVector<int64_t> result, dims;
  int32_t type = onnx::TensorProto::INT64;
  if (op == "Shape") {
    if (!hasInput(0))
      return false;
    auto known = tryStaticType(node->input(0));
    if (!known)
      return false;
    RankedTensorType t = *known;
    int64_t rank = t.getRank();
    int64_t start = intAttr("start", 0), end = intAttr("end", rank);
    if (start < 0)
      start += rank;
    if (end < 0)
      end += rank;
    for (int64_t d = std::max<int64_t>(start, 0); d < std::min(end, rank); ++d)
      result.push_back(t.getDimSize(d));
    dims = {(int64_t)result.size()};
  } else if (op == "ConstantOfShape") {
    // An integer fill (the zeros of a pad list); float fills are imported.
    auto shape = constantIntValues(0);
    const onnx::AttributeProto *value = attr("value");
    if (!shape || !value || !value->has_t() ||
        constantInput(0)->getType().getRank() != 1)
      return false;
    auto fill = tensorInts(value->t());
    int32_t t = value->t().data_type();
    if (!fill || fill->size() != 1 ||
        (t != onnx::TensorProto::INT64 && t != onnx::TensorProto::INT32))
      return false;
    int64_t count = 1;
    for (int64_t d : *shape) {
      if (d < 0 || (d > 0 && count > (int64_t(1) << 20) / d))
        return false;
      count *= d;
    }
    if (count == 0) // an empty tensor is not a TOSA constant
      return false;
    type = t;
    result.assign(count, (*fill)[0]);
    dims.assign(shape->begin(), shape->end());
  } else if (op == "Size") {
    // The element count of a static shape: a scalar.
    if (!hasInput(0))
      return false;
    auto known = tryStaticType(node->input(0));
    if (!known)
      return false;
    result = {known->getNumElements()};
    dims = {};
  } else {
    // Every input must be an integer constant (float only for Cast).
    for (int64_t i = 0; i < numInputs(); ++i) {
      if (!hasInput(i))
        continue;
      auto it = constants.find(node->input(i));
      if (it == constants.end())
        return false;
      int32_t t = it->second->data_type();
      bool isInt = t == onnx::TensorProto::INT64 ||
                   t == onnx::TensorProto::INT32 ||
                   (t == onnx::TensorProto::BOOL &&
                    (boolResult.contains(op) || op == "Cast"));
      if (!isInt && !(op == "Cast" && i == 0))
        return false;
      if (!isInt && op == "Cast")
        return false;
    }
    auto in0 = constantIntValues(0);
    if (!in0)
      return false;
    type = constants[node->input(0)]->data_type();
    auto shape0 = constantInput(0)->getType().getShape();
    if (op == "Cast") {
      int64_t to = intAttr("to", 0);
      if (to != onnx::TensorProto::INT64 && to != onnx::TensorProto::INT32 &&
          to != onnx::TensorProto::BOOL)
        return false;
      type = int32_t(to);
      result = *in0;
      if (to == onnx::TensorProto::BOOL)
        for (int64_t &v : result)
          v = v != 0;
      dims.assign(shape0.begin(), shape0.end());
    } else if (op == "Identity") {
      result = *in0;
      dims.assign(shape0.begin(), shape0.end());
    } else if (op == "Not") {
      type = onnx::TensorProto::BOOL;
      for (int64_t v : *in0)
        result.push_back(v == 0);
      dims.assign(shape0.begin(), shape0.end());
    } else if (boolResult.contains(op)) {
      // Same-shaped operands or a single-value one (no other broadcasting).
      auto in1 = constantIntValues(1);
      if (!in1)
        return false;
      auto shape1 = constantInput(1)->getType().getShape();
      if (shape1 != shape0 &&
          (in1->size() != 1 || shape1.size() > shape0.size()))
        return false;
      type = onnx::TensorProto::BOOL;
      for (size_t i = 0; i < in0->size(); ++i) {
        int64_t a = (*in0)[i], c = (*in1)[in1->size() == 1 ? 0 : i];
        bool r = op == "Equal"            ? a == c
                 : op == "Less"           ? a < c
                 : op == "Greater"        ? a > c
                 : op == "LessOrEqual"    ? a <= c
                 : op == "GreaterOrEqual" ? a >= c
                 : op == "And"            ? (a != 0 && c != 0)
                 : op == "Or"             ? (a != 0 || c != 0)
                                          : ((a != 0) != (c != 0));
        result.push_back(r);
      }
      dims.assign(shape0.begin(), shape0.end());
    } else if (op == "Concat") {
      for (int64_t i = 0; i < numInputs(); ++i) {
        auto v = constantIntValues(i);
        if (!v || constantInput(i)->getType().getRank() != 1)
          return false;
        result.append(v->begin(), v->end());
      }
      dims = {(int64_t)result.size()};
    } else if (op == "Slice") {
      // Any rank, axes and steps (a reversed pad list: steps of -1).
      int64_t rank = shape0.size();
      SmallVector<int64_t> starts, ends, axes, steps;
      if (opset < 10) {
        starts = intsAttr("starts");
        ends = intsAttr("ends");
        axes = intsAttr("axes");
      } else {
        auto s = constantIntValues(1), e = constantIntValues(2);
        if (!s || !e)
          return false;
        starts = *s;
        ends = *e;
        for (int64_t k : {3, 4}) {
          if (!hasInput(k))
            continue;
          auto v = constantIntValues(k);
          if (!v)
            return false;
          (k == 3 ? axes : steps) = *v;
        }
      }
      if (axes.empty())
        for (int64_t a = 0; a < (int64_t)starts.size(); ++a)
          axes.push_back(a);
      if (steps.empty())
        steps.assign(starts.size(), 1);
      if (ends.size() != starts.size() || axes.size() != starts.size() ||
          steps.size() != starts.size())
        return false;
      SmallVector<int64_t> begin(rank, 0), step(rank, 1);
      dims.assign(shape0.begin(), shape0.end());
      for (size_t k = 0; k < starts.size(); ++k) {
        int64_t a = axes[k] < 0 ? axes[k] + rank : axes[k];
        if (a < 0 || a >= rank || steps[k] == 0)
          return false;
        int64_t n = shape0[a], st = steps[k];
        // ONNX's clamping: [0, n] for positive steps; for negative ones
        // the start in [0, n - 1] and the end in [-1, n - 1].
        auto norm = [&](int64_t v, bool isEnd) {
          if (v < 0)
            v += n;
          return st > 0 ? std::clamp<int64_t>(v, 0, n)
                        : std::clamp<int64_t>(v, isEnd ? -1 : 0, n - 1);
        };
        int64_t b0 = norm(starts[k], false), e0 = norm(ends[k], true);
        begin[a] = b0;
        step[a] = st;
        dims[a] = st > 0 ? std::max<int64_t>(0, (e0 - b0 + st - 1) / st)
                         : std::max<int64_t>(0, (b0 - e0 - st - 1) / -st);
      }
      SmallVector<int64_t> idx(rank, 0);
      int64_t total = 1;
      for (int64_t d : dims)
        total *= d;
      for (int64_t i = 0; i < total; ++i) {
        int64_t flat = 0;
        for (int64_t a = 0; a < rank; ++a)
          flat = flat * shape0[a] + begin[a] + idx[a] * step[a];
        result.push_back((*in0)[flat]);
        for (int64_t a = rank - 1; a >= 0; --a) {
          if (++idx[a] < dims[a])
            break;
          idx[a] = 0;
        }
      }
    } else if (op == "Transpose") {
      int64_t rank = shape0.size();
      SmallVector<int64_t> perm = intsAttr("perm");
      if (perm.empty())
        for (int64_t a = rank - 1; a >= 0; --a)
          perm.push_back(a);
      if ((int64_t)perm.size() != rank)
        return false;
      SmallVector<int64_t> strides(rank, 1);
      for (int64_t a = rank - 2; a >= 0; --a)
        strides[a] = strides[a + 1] * shape0[a + 1];
      for (int64_t p : perm) {
        if (p < 0 || p >= rank)
          return false;
        dims.push_back(shape0[p]);
      }
      SmallVector<int64_t> idx(rank, 0);
      for (size_t i = 0; i < in0->size(); ++i) {
        int64_t flat = 0;
        for (int64_t a = 0; a < rank; ++a)
          flat += idx[a] * strides[perm[a]];
        result.push_back((*in0)[flat]);
        for (int64_t a = rank - 1; a >= 0; --a) {
          if (++idx[a] < dims[a])
            break;
          idx[a] = 0;
        }
      }
    } else if (op == "Gather") {
      auto idx = constantIntValues(1);
      if (!idx || shape0.size() != 1 || intAttr("axis", 0) != 0)
        return false;
      for (int64_t i : *idx) {
        int64_t n = in0->size();
        if (i < -n || i >= n)
          return false;
        result.push_back((*in0)[i < 0 ? i + n : i]);
      }
      auto ishape = constantInput(1)->getType().getShape();
      dims.assign(ishape.begin(), ishape.end());
    } else if (op == "Squeeze" || op == "Unsqueeze" || op == "Reshape") {
      result = *in0;
      auto known = tryStaticType(node->output(0));
      if (!known)
        return false;
      RankedTensorType out = *known;
      dims.assign(out.getShape().begin(), out.getShape().end());
    } else {
      auto in1 = constantIntValues(1);
      if (!in1 || (in1->size() != in0->size() && in1->size() != 1))
        return false;
      for (size_t i = 0; i < in0->size(); ++i) {
        int64_t a = (*in0)[i], c = (*in1)[in1->size() == 1 ? 0 : i], r = 0;
        if (op == "Div" && (c == 0 || (a == INT64_MIN && c == -1)))
          return false;
        bool overflow = op == "Add"   ? llvm::AddOverflow(a, c, r)
                        : op == "Sub" ? llvm::SubOverflow(a, c, r)
                        : op == "Mul" ? llvm::MulOverflow(a, c, r)
                                      : (r = a / c, false);
        if (overflow)
          return false;
        result.push_back(r);
      }
      dims.assign(shape0.begin(), shape0.end());
    }
  }
  onnx::TensorProto &t = nodeConstants[node->output(0)];
  t.set_name(node->output(0));
  t.set_data_type(type);
  for (int64_t d : dims)
    t.add_dims(d);
  for (int64_t v : result) {
    if (type == onnx::TensorProto::INT64)
      t.add_int64_data(v);
    else // int32 and bool
      t.add_int32_data(int32_t(v));
  }
  constants[node->output(0)] = &t;
  return true;
}

void Importer::importCast(int64_t toType) {
  Value x = input(0);
  RankedTensorType out = outputType();
  auto inType = cast<RankedTensorType>(x.getType());
  auto supported = [](Type t) {
    return t.isF32() || t.isInteger(32) || t.isInteger(8) || t.isInteger(16);
  };
  int64_t to = toType >= 0 ? toType : intAttr("to", 0);
  bool toUnsigned =
      to == onnx::TensorProto::UINT8 || to == onnx::TensorProto::UINT16 ||
      to == onnx::TensorProto::UINT32 || to == onnx::TensorProto::UINT64;
  if (toUnsigned)
    unsignedValues.insert(node->output(0));
  if (to == onnx::TensorProto::BOOL)
    boolValues.insert(node->output(0));
  Type inElem = inType.getElementType(), outElem = out.getElementType();
  auto anyNumber = [](Type t) {
    return t.isF16() || t.isF32() || t.isF64() || t.isInteger(8) ||
           t.isInteger(16) || t.isInteger(32) || t.isInteger(64);
  };
  if (!anyNumber(inElem) || !anyNumber(outElem))
    unsupported("Cast between these element types");
  if (inElem == outElem && isUnsignedInput(0) == toUnsigned &&
      !(to == onnx::TensorProto::BOOL && !isBoolInput(0)))
    return setOutput(x);
  // Beyond TOSA's cast (f16, f64, i64, the unsigned types, bools): arith
  // conversions as numpy's astype does them (float to integer truncates,
  // float to float rounds to nearest even, to bool is != 0).
  bool fromUnsigned = isUnsignedInput(0) || isBoolInput(0);
  if (!supported(inElem) || !supported(outElem) || fromUnsigned || toUnsigned ||
      to == onnx::TensorProto::BOOL) {
    if (to == onnx::TensorProto::UINT8 && inElem.isF32() && !fromUnsigned)
      ; // the rounding u8 path below, kept for its existing users
    else
      return setOutput(elementwise(
          {x}, outElem, [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
            Value v = a[0];
            if (to == onnx::TensorProto::BOOL) {
              Value zero =
                  arith::ConstantOp::create(nb, nl, nb.getZeroAttr(inElem));
              Value ne = isa<FloatType>(inElem)
                             ? Value(arith::CmpFOp::create(
                                   nb, nl, arith::CmpFPredicate::UNE, v, zero))
                             : Value(arith::CmpIOp::create(
                                   nb, nl, arith::CmpIPredicate::ne, v, zero));
              return arith::ExtUIOp::create(nb, nl, outElem, ne);
            }
            bool fin = isa<FloatType>(inElem), fout = isa<FloatType>(outElem);
            unsigned inBits = inElem.getIntOrFloatBitWidth(),
                     outBits = outElem.getIntOrFloatBitWidth();
            if (fin && fout)
              return inBits < outBits
                         ? Value(arith::ExtFOp::create(nb, nl, outElem, v))
                         : Value(arith::TruncFOp::create(nb, nl, outElem, v));
            if (fin)
              return toUnsigned
                         ? Value(arith::FPToUIOp::create(nb, nl, outElem, v))
                         : Value(arith::FPToSIOp::create(nb, nl, outElem, v));
            if (fout)
              return fromUnsigned
                         ? Value(arith::UIToFPOp::create(nb, nl, outElem, v))
                         : Value(arith::SIToFPOp::create(nb, nl, outElem, v));
            if (inBits == outBits)
              return v;
            if (inBits > outBits)
              return arith::TruncIOp::create(nb, nl, outElem, v);
            return fromUnsigned
                       ? Value(arith::ExtUIOp::create(nb, nl, outElem, v))
                       : Value(arith::ExtSIOp::create(nb, nl, outElem, v));
          }));
  }
  if (inType.getElementType() == out.getElementType())
    return setOutput(x);
  if (to == onnx::TensorProto::UINT8 && inType.getElementType().isF32()) {
    // u8 in i8 storage: TOSA's cast would saturate at 127.
    unsignedValues.insert(node->output(0));
    return setOutput(elementwise(
        {x}, b.getI8Type(), [](OpBuilder &nb, Location nl, ValueRange a) {
          Value r = math::RoundEvenOp::create(nb, nl, a[0]);
          return arith::FPToUIOp::create(nb, nl, nb.getI8Type(), r)
              .getResult();
        }));
  }
  setOutput(tosa::CastOp::create(b, loc, out, x));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

bool Importer::isUnsignedInput(int64_t i) {
  const std::string &name = node->input(i);
  if (unsignedValues.contains(name))
    return true;
  int32_t t = -1;
  if (auto it = constants.find(name); it != constants.end())
    t = it->second->data_type();
  else if (auto vi = valueInfo.find(name);
           vi != valueInfo.end() && vi->second->type().has_tensor_type())
    t = vi->second->type().tensor_type().elem_type();
  return t == onnx::TensorProto::UINT8 || t == onnx::TensorProto::UINT16 ||
         t == onnx::TensorProto::UINT32 || t == onnx::TensorProto::UINT64;
}

void Importer::importIntegerBinary(StringRef op, bool isUnsigned) {
  Type elem = inputType(0).getElementType();
  SmallVector<Value> operands;
  for (int64_t i = 0; i < numInputs(); ++i)
    operands.push_back(input(i));
  Value r = elementwise(
      operands, elem, [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        Value acc = a[0];
        for (size_t i = 1; i < a.size(); ++i) {
          Value y = a[i];
          if (op == "Add" || op == "Sum")
            acc = arith::AddIOp::create(nb, nl, acc, y);
          else if (op == "Sub")
            acc = arith::SubIOp::create(nb, nl, acc, y);
          else if (op == "Mul")
            acc = arith::MulIOp::create(nb, nl, acc, y);
          else if (op == "Max")
            acc = isUnsigned ? Value(arith::MaxUIOp::create(nb, nl, acc, y))
                             : Value(arith::MaxSIOp::create(nb, nl, acc, y));
          else if (op == "Min")
            acc = isUnsigned ? Value(arith::MinUIOp::create(nb, nl, acc, y))
                             : Value(arith::MinSIOp::create(nb, nl, acc, y));
          else { // Div, truncating; a divisor of 0 gives 0 and -1 negates
                 // (the x86 division traps on both)
            Value zero =
                arith::ConstantOp::create(nb, nl, nb.getZeroAttr(elem));
            Value one =
                arith::ConstantOp::create(nb, nl, nb.getIntegerAttr(elem, 1));
            Value isZero = arith::CmpIOp::create(
                nb, nl, arith::CmpIPredicate::eq, y, zero);
            if (isUnsigned) {
              Value q = arith::DivUIOp::create(
                  nb, nl, acc, arith::SelectOp::create(nb, nl, isZero, one, y));
              acc = arith::SelectOp::create(nb, nl, isZero, zero, q);
            } else {
              Value minusOne = arith::ConstantOp::create(
                  nb, nl, nb.getIntegerAttr(elem, -1));
              Value isMinusOne = arith::CmpIOp::create(
                  nb, nl, arith::CmpIPredicate::eq, y, minusOne);
              Value trivial = arith::OrIOp::create(nb, nl, isZero, isMinusOne);
              Value q = arith::DivSIOp::create(
                  nb, nl, acc,
                  arith::SelectOp::create(nb, nl, trivial, one, y));
              Value negated = arith::SubIOp::create(nb, nl, zero, acc);
              acc = arith::SelectOp::create(
                  nb, nl, isZero, zero,
                  arith::SelectOp::create(nb, nl, isMinusOne, negated, q));
            }
          }
        }
        return acc;
      });
  setOutput(reshape(r, outputType().getShape()));
  if (isUnsigned)
    unsignedValues.insert(node->output(0));
}

void Importer::importBinary(StringRef op) {
  bool variadic = op == "Max" || op == "Min" || op == "Sum" || op == "Mean";
  // Integers beyond TOSA's i32 profile: arith ops in one loop.
  Type first = inputType(0).getElementType();
  if (isa<IntegerType>(first) && !first.isInteger(32) && op != "Pow" &&
      op != "Mean" && op != "PRelu") {
    bool isUnsigned = isUnsignedInput(0);
    for (int64_t i = 0; i < numInputs(); ++i)
      if (inputType(i).getElementType() != first ||
          isUnsignedInput(i) != isUnsigned || isBoolInput(i))
        unsupported("operands of different element types");
    return importIntegerBinary(op, isUnsigned);
  }
  // Pow of a float by an integer exponent: the exponent converted.
  if (op == "Pow" && first.isF32() &&
      isa<IntegerType>(inputType(1).getElementType())) {
    bool unsignedExponent = isUnsignedInput(1);
    return setOutput(reshape(
        elementwise({input(0), input(1)}, first,
                    [&](OpBuilder &nb, Location nl, ValueRange a) {
                      Value e = unsignedExponent
                                    ? Value(arith::UIToFPOp::create(
                                          nb, nl, nb.getF32Type(), a[1]))
                                    : Value(arith::SIToFPOp::create(
                                          nb, nl, nb.getF32Type(), a[1]));
                      return math::PowFOp::create(nb, nl, a[0], e).getResult();
                    }),
        outputType().getShape()));
  }
  for (int64_t i = 0; i < numInputs(); ++i) {
    Type elem = inputType(i).getElementType();
    // TOSA's profiles: f32 (and f16/bf16) arithmetic, i32 integers.
    if (!elem.isF32() && !elem.isInteger(32))
      unsupported("element type " + std::to_string(elem.getIntOrFloatBitWidth()) +
                  "-bit " + (isa<FloatType>(elem) ? "float" : "integer") +
                  " (f32 and i32 are supported)");
    if (elem != inputType(0).getElementType())
      unsupported("operands of different element types");
  }
  if (variadic) {
    Value acc = input(0);
    RankedTensorType out = outputType();
    for (int64_t i = 1; i < numInputs(); ++i) {
      auto [x, y] = broadcastPair(acc, input(i));
      auto tx = cast<RankedTensorType>(x.getType());
      auto ty = cast<RankedTensorType>(y.getType());
      SmallVector<int64_t> shape;
      for (int64_t d = 0; d < tx.getRank(); ++d)
        shape.push_back(std::max(tx.getDimSize(d), ty.getDimSize(d)));
      auto type = tx.clone(shape);
      if (op == "Max")
        acc = tosa::MaximumOp::create(b, loc, type, x, y);
      else if (op == "Min")
        acc = tosa::MinimumOp::create(b, loc, type, x, y);
      else
        acc = tosa::AddOp::create(b, loc, type, x, y);
    }
    if (op == "Mean") {
      if (!out.getElementType().isF32())
        unsupported("integer Mean");
      acc = mul(acc, splat(out.getElementType(), 1.0 / numInputs(),
                           cast<RankedTensorType>(acc.getType()).getRank()));
    }
    return setOutput(reshape(acc, out.getShape()));
  }
  auto [x, y] = broadcastPair(input(0), input(1));
  RankedTensorType out = outputType();
  auto type = out.clone(cast<RankedTensorType>(x.getType()).getElementType());
  if (op == "Pow" && !type.getElementType().isF32())
    unsupported("integer Pow");
  Value r;
  if (op == "Add")
    r = tosa::AddOp::create(b, loc, type, x, y);
  else if (op == "Sub")
    r = tosa::SubOp::create(b, loc, type, x, y);
  else if (op == "Mul")
    r = mul(x, y);
  else if (op == "Div") {
    if (!isa<FloatType>(type.getElementType()))
      r = tosa::IntDivOp::create(b, loc, type, x, y);
    else // x * (1 / y) would round twice.
      r = elementwise({x, y}, type.getElementType(),
                      [](OpBuilder &nb, Location nl, ValueRange a) {
                        return arith::DivFOp::create(nb, nl, a[0], a[1])
                            .getResult();
                      });
  } else if (op == "Pow")
    r = tosa::PowOp::create(b, loc, type, x, y);
  else if (op == "Max")
    r = tosa::MaximumOp::create(b, loc, type, x, y);
  else if (op == "Min")
    r = tosa::MinimumOp::create(b, loc, type, x, y);
  else if (op == "PRelu") {
    Value zero = splat(type.getElementType(), 0.0, type.getRank());
    Value neg = mul(tosa::MinimumOp::create(b, loc, x.getType(), x, zero), y);
    Value pos = tosa::MaximumOp::create(b, loc, x.getType(), x, zero);
    r = tosa::AddOp::create(b, loc, type, pos, neg);
  }
  setOutput(r);
}

void Importer::importUnary(StringRef op) {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (!isa<FloatType>(type.getElementType()) && op != "Identity" &&
      op != "Dropout" && op != "Neg" && op != "Abs" && op != "Relu")
    unsupported("only float inputs are supported");
  Value r;
  if (op == "Relu")
    r = isa<FloatType>(type.getElementType())
            ? clamp(x, 0.0f, std::numeric_limits<float>::max())
            : tosa::MaximumOp::create(
                  b, loc, type, x, splat(type.getElementType(), 0, type.getRank()))
                  .getResult();
  else if (op == "Sigmoid")
    r = tosa::SigmoidOp::create(b, loc, type, x);
  else if (op == "Tanh")
    r = tosa::TanhOp::create(b, loc, type, x);
  else if (op == "Exp")
    r = tosa::ExpOp::create(b, loc, type, x);
  else if (op == "Log")
    r = tosa::LogOp::create(b, loc, type, x);
  else if (op == "Abs")
    r = tosa::AbsOp::create(b, loc, type, x);
  else if (op == "Neg")
    r = tosa::NegateOp::create(b, loc, type, x);
  else if (op == "Reciprocal")
    r = tosa::ReciprocalOp::create(b, loc, type, x);
  else if (op == "Sqrt")
    r = tosa::ReciprocalOp::create(b, loc, type,
                                   tosa::RsqrtOp::create(b, loc, type, x));
  else if (op == "Erf")
    r = tosa::ErfOp::create(b, loc, type, x);
  else if (op == "Floor")
    r = tosa::FloorOp::create(b, loc, type, x);
  else if (op == "Round") // half to even; TOSA has no such op.
    r = elementwise({x}, type.getElementType(),
                    [](OpBuilder &nb, Location nl, ValueRange a) {
                      return math::RoundEvenOp::create(nb, nl, a[0])
                          .getResult();
                    });
  else if (op == "Ceil")
    r = tosa::CeilOp::create(b, loc, type, x);
  else if (op == "Identity" || op == "Dropout")
    r = x;
  else if (op == "LeakyRelu") {
    float alpha = floatAttr("alpha", 0.01f);
    Value zero = splat(type.getElementType(), 0.0, type.getRank());
    Value neg = mul(tosa::MinimumOp::create(b, loc, type, x, zero),
                    splat(type.getElementType(), alpha, type.getRank()));
    r = tosa::AddOp::create(
        b, loc, type, tosa::MaximumOp::create(b, loc, type, x, zero), neg);
  } else if (op == "HardSigmoid" || op == "HardSwish") {
    // max(0, min(1, alpha * x + beta)); HardSwish: x * that, alpha = 1/6.
    float alpha = op == "HardSwish" ? 1.0f / 6 : floatAttr("alpha", 0.2f);
    float beta = op == "HardSwish" ? 0.5f : floatAttr("beta", 0.5f);
    Value t = mul(x, splat(type.getElementType(), alpha, type.getRank()));
    t = tosa::AddOp::create(b, loc, type, t,
                            splat(type.getElementType(), beta, type.getRank()));
    t = clamp(t, 0.0f, 1.0f);
    r = op == "HardSwish" ? mul(x, t) : t;
  } else if (op == "Elu") {
    float alpha = floatAttr("alpha", 1.0f);
    Value zero = splat(type.getElementType(), 0.0, type.getRank());
    Value one = splat(type.getElementType(), 1.0, type.getRank());
    Value e = tosa::SubOp::create(
        b, loc, type,
        tosa::ExpOp::create(b, loc, type,
                            tosa::MinimumOp::create(b, loc, type, x, zero)),
        one);
    r = tosa::AddOp::create(
        b, loc, type, tosa::MaximumOp::create(b, loc, type, x, zero),
        mul(e, splat(type.getElementType(), alpha, type.getRank())));
  }
  if (op == "Dropout") {
    if (hasInput(2)) {
      auto training = constantInput(2);
      if (!training || !isBoolInput(2) || training->getNumElements() != 1 ||
          !training->getValues<APInt>()[0].isZero())
        unsupported("Dropout in training mode");
    }
    if (node->output_size() > 1 && !node->output(1).empty()) {
      // Inference: nothing is dropped, the mask is all true.
      RankedTensorType maskType = outputType(1);
      if (!maskType.getElementType().isInteger(8))
        unsupported("a non-boolean Dropout mask");
      setOutput(tosa::ConstOp::create(
                    b, loc, maskType,
                    DenseElementsAttr::get(maskType, b.getI8IntegerAttr(1))),
                1);
      boolValues.insert(node->output(1));
    }
  }
  setOutput(r);
}

void Importer::importClip() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.getElementType().isF32())
    unsupported("only f32 Clip is supported");
  float lo = -std::numeric_limits<float>::max();
  float hi = std::numeric_limits<float>::max();
  if (opset < 11) {
    lo = floatAttr("min", lo);
    hi = floatAttr("max", hi);
    return setOutput(clamp(x, lo, hi));
  }
  // Constant bounds become one clamp; run-time bounds a maximum / minimum.
  Value r = x;
  for (int64_t i : {1, 2}) {
    if (!hasInput(i))
      continue;
    if (constantInput(i)) {
      float v = float(scalarFloat(i));
      (i == 1 ? lo : hi) = v;
      continue;
    }
    Value bound = rankTo(input(i), type.getRank());
    r = i == 1 ? tosa::MaximumOp::create(b, loc, type, r, bound).getResult()
               : tosa::MinimumOp::create(b, loc, type, r, bound).getResult();
  }
  setOutput(clamp(r, lo, hi));
}

//===----------------------------------------------------------------------===//
// Convolution, pooling, batch norm
//===----------------------------------------------------------------------===//

/// TOSA requires (in + pads - window) to be a multiple of the stride; ONNX
/// floors. Lowers the end padding to the exact amount (the extra rows take no
/// part in any output); returns false if the input would have to shrink.
static bool exactEndPad(int64_t in, int64_t window, int64_t stride,
                        int64_t begin, int64_t &end) {
  int64_t out = (in + begin + end - window) / stride + 1;
  int64_t needed = (out - 1) * stride + window - in - begin;
  if (needed < 0)
    return false;
  end = needed;
  return true;
}

/// ONNX pads [x1_begin, x2_begin, x1_end, x2_end] (or auto_pad) to TOSA
/// [top, bottom, left, right].
static SmallVector<int64_t> tosaPads(StringRef autoPad, ArrayRef<int64_t> pads,
                                     ArrayRef<int64_t> in,
                                     ArrayRef<int64_t> window,
                                     ArrayRef<int64_t> strides) {
  SmallVector<int64_t> p(4, 0);
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int i = 0; i < 2; ++i) {
      int64_t out = (in[i] + strides[i] - 1) / strides[i];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[i] + window[i] - in[i]);
      int64_t small = total / 2, large = total - small;
      p[2 * i] = autoPad == "SAME_UPPER" ? small : large;
      p[2 * i + 1] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (pads.size() == 4) {
    p = {pads[0], pads[2], pads[1], pads[3]};
  }
  return p;
}

void Importer::importConv() {
  Value x = input(0), w = input(1);
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  // 1-D: a 2-D convolution of height 1.
  bool oneD = xt.getRank() == 3 && wt.getRank() == 3;
  if (oneD) {
    x = reshape(x, {xt.getDimSize(0), xt.getDimSize(1), 1, xt.getDimSize(2)});
    w = reshape(w, {wt.getDimSize(0), wt.getDimSize(1), 1, wt.getDimSize(2)});
    xt = cast<RankedTensorType>(x.getType());
    wt = cast<RankedTensorType>(w.getType());
  }
  if (xt.getRank() != 4)
    unsupported("only 1-D and 2-D convolutions (3-D and 4-D inputs) are "
                "supported");
  if (!xt.getElementType().isF32())
    unsupported("only f32 Conv is supported (use the quantized ops for int8)");
  int64_t group = intAttr("group", 1);
  int64_t c = xt.getDimSize(1), m = wt.getDimSize(0);
  ConvGeometry g = convGeometry(xt, wt, oneD);
  SmallVector<int64_t> &strides = g.strides, &dilations = g.dilations,
                       &pads = g.pads;
  SmallVector<int64_t> window = {(wt.getDimSize(2) - 1) * dilations[0] + 1,
                                 (wt.getDimSize(3) - 1) * dilations[1] + 1};
  // ONNX floors the output size: trailing input rows (or columns) that no
  // window reaches, beyond the end padding, are cut off first (an STFT
  // front end whose frames do not tile its input).
  SmallVector<int64_t> kept = {xt.getDimSize(2), xt.getDimSize(3)};
  for (int i = 0; i < 2; ++i) {
    if (exactEndPad(kept[i], window[i], strides[i], pads[2 * i],
                    pads[2 * i + 1]))
      continue;
    int64_t out =
        (kept[i] + pads[2 * i] + pads[2 * i + 1] - window[i]) / strides[i] + 1;
    if (out < 1)
      failNode("the window is larger than the padded input");
    kept[i] = (out - 1) * strides[i] + window[i] - pads[2 * i];
    pads[2 * i + 1] = 0;
  }
  if (kept[0] != xt.getDimSize(2) || kept[1] != xt.getDimSize(3)) {
    SmallVector<int64_t> size = {xt.getDimSize(0), xt.getDimSize(1), kept[0],
                                 kept[1]};
    x = tosa::SliceOp::create(b, loc,
                              RankedTensorType::get(size, xt.getElementType()),
                              x, shapeValue({0, 0, 0, 0}), shapeValue(size));
  }
  Value bias = hasInput(2) ? input(2)
                           : constF32({m}, SmallVector<float>(m, 0.0f));
  Value nhwc = toNHWC(x);
  RankedTensorType out = outputType();
  auto outNHWC =
      RankedTensorType::get({out.getDimSize(0), oneD ? 1 : out.getDimSize(2),
                             out.getDimSize(oneD ? 2 : 3), out.getDimSize(1)},
                            b.getF32Type());
  auto accType = TypeAttr::get(b.getF32Type());
  Value r;
  if (group == 1) {
    Value ohwi = transpose(w, {0, 2, 3, 1});
    r = tosa::Conv2DOp::create(b, loc, outNHWC, nhwc, ohwi, bias,
                               b.getDenseI64ArrayAttr(pads),
                               b.getDenseI64ArrayAttr(strides),
                               b.getDenseI64ArrayAttr(dilations), accType);
  } else if (group == c && wt.getDimSize(1) == 1) {
    // [C * M, 1, KH, KW] -> [C, M, KH, KW] -> [KH, KW, C, M].
    Value cm = reshape(w, {c, m / c, wt.getDimSize(2), wt.getDimSize(3)});
    Value hwcm = transpose(cm, {2, 3, 0, 1});
    r = tosa::DepthwiseConv2DOp::create(
        b, loc, outNHWC, nhwc, hwcm, bias, b.getDenseI64ArrayAttr(pads),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(dilations),
        accType);
  } else {
    unsupported("grouped convolution with 1 < group (" + Twine(group) +
                ") < channels");
  }
  setOutput(oneD ? reshape(toNCHW(r), out.getShape()) : toNCHW(r));
}


void Importer::importConvTranspose() {
  Value x = input(0), w = input(1);
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  // 1-D: a 2-D transposed convolution of height 1; the attributes of the
  // width get a height entry of 1 (stride, kernel) or 0 (pads).
  bool oneD = xt.getRank() == 3 && wt.getRank() == 3;
  if (oneD) {
    x = reshape(x, {xt.getDimSize(0), xt.getDimSize(1), 1, xt.getDimSize(2)});
    w = reshape(w, {wt.getDimSize(0), wt.getDimSize(1), 1, wt.getDimSize(2)});
    xt = cast<RankedTensorType>(x.getType());
    wt = cast<RankedTensorType>(w.getType());
  }
  if (xt.getRank() != 4 || !xt.getElementType().isF32())
    unsupported("only 1-D and 2-D f32 ConvTranspose is supported");
  auto widen = [&](SmallVector<int64_t> v, int64_t unit) {
    if (oneD && v.size() == 1)
      v.insert(v.begin(), unit);
    return v;
  };
  int64_t group = intAttr("group", 1);
  int64_t channels = xt.getDimSize(1);
  if (group < 1 || channels % group != 0 || wt.getRank() != 4 ||
      wt.getDimSize(0) != channels)
    failNode("ConvTranspose's weight must be [C, M / group, kH, kW] with "
             "group dividing C");
  if (group > 64)
    unsupported("grouped ConvTranspose of more than 64 groups (one "
                "transposed convolution per group)");
  SmallVector<int64_t> dilations = intsAttr("dilations");
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    unsupported("dilated ConvTranspose");
  SmallVector<int64_t> strides = widen(intsAttr("strides"), 1);
  if (strides.empty())
    strides = {1, 1};
  SmallVector<int64_t> outPadding = widen(intsAttr("output_padding"), 0);
  if (outPadding.empty())
    outPadding = {0, 0};
  if (strides.size() != 2 || outPadding.size() != 2 ||
      llvm::any_of(strides, [](int64_t v) { return v <= 0; }) ||
      llvm::any_of(outPadding, [](int64_t v) { return v < 0; }))
    failNode("strides must be positive and output_padding non-negative, one "
             "per spatial dimension");
  RankedTensorType out = outputType();
  SmallVector<int64_t> outDims(out.getShape());
  if (oneD)
    outDims = {outDims[0], outDims[1], 1, outDims[2]};
  int64_t kernel[2] = {wt.getDimSize(2), wt.getDimSize(3)};
  // Padding of each spatial dimension: given, or what the inferred output
  // size implies (auto_pad, output_shape).
  SmallVector<int64_t> pads = intsAttr("pads");
  if (oneD && pads.size() == 2)
    pads = {0, pads[0], 0, pads[1]};
  std::string autoPad = stringAttr("auto_pad", "NOTSET");
  SmallVector<int64_t> begin(2), end(2);
  for (int i = 0; i < 2; ++i) {
    int64_t total = strides[i] * (xt.getDimSize(2 + i) - 1) + outPadding[i] +
                    kernel[i] - outDims[2 + i];
    if (pads.size() == 4 && autoPad == "NOTSET" && !attr("output_shape")) {
      begin[i] = pads[i];
      end[i] = pads[i + 2];
    } else if (autoPad == "SAME_LOWER") {
      end[i] = total / 2;
      begin[i] = total - total / 2;
    } else {
      // SAME_UPPER and output_shape: the extra padding goes at the end (as
      // the ONNX reference and onnxruntime do).
      begin[i] = total / 2;
      end[i] = total - total / 2;
    }
  }
  // TOSA: OH = (IH - 1) * stride + out_pad_top + out_pad_bottom + KH.
  SmallVector<int64_t> outPad = {-begin[0], -end[0] + outPadding[0],
                                 -begin[1], -end[1] + outPadding[1]};
  int64_t perGroup = wt.getDimSize(1), m = perGroup * group;
  if (outDims[1] != m)
    failNode("ConvTranspose's output channels differ from M");
  Value bias = hasInput(2) ? input(2)
                           : constF32({m}, SmallVector<float>(m, 0.0f));
  Value nhwc = toNHWC(x);
  // One transposed convolution per group (its input channels, its rows of
  // the weight, its M / group outputs), concatenated along the channels.
  auto channelSlice = [&](Value v, int64_t dim, int64_t at, int64_t count) {
    if (group == 1)
      return v;
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> offset(t.getRank(), 0), size(t.getShape());
    offset[dim] = at;
    size[dim] = count;
    return Value(tosa::SliceOp::create(
        b, loc, RankedTensorType::get(size, t.getElementType()), v,
        shapeValue(offset), shapeValue(size)));
  };
  int64_t inPerGroup = channels / group;
  SmallVector<Value> results;
  for (int64_t g = 0; g < group; ++g) {
    Value wg = channelSlice(w, 0, g * inPerGroup, inPerGroup);
    Value ohwi = transpose(wg, {1, 2, 3, 0});
    auto outNHWC = RankedTensorType::get(
        {outDims[0], outDims[2], outDims[3], perGroup}, b.getF32Type());
    results.push_back(tosa::TransposeConv2DOp::create(
        b, loc, outNHWC, channelSlice(nhwc, 3, g * inPerGroup, inPerGroup),
        ohwi, channelSlice(bias, 0, g * perGroup, perGroup),
        b.getDenseI64ArrayAttr(outPad), b.getDenseI64ArrayAttr(strides),
        TypeAttr::get(b.getF32Type())));
  }
  Value r = results.front();
  if (group > 1)
    r = tosa::ConcatOp::create(
        b, loc,
        RankedTensorType::get({outDims[0], outDims[2], outDims[3], m},
                              b.getF32Type()),
        results, b.getI32IntegerAttr(3));
  setOutput(oneD ? reshape(toNCHW(r), out.getShape()) : toNCHW(r));
}


void Importer::importResize() {
  Value x = input(0);
  auto xt = cast<RankedTensorType>(x.getType());
  RankedTensorType out = outputType();
  if (xt.getRank() != 4 || !xt.getElementType().isF32())
    unsupported("only 4-D f32 Resize is supported");
  std::string mode = stringAttr("mode", "nearest");
  if (mode != "nearest" && mode != "linear")
    unsupported("Resize mode '" + mode + "'");
  std::string transform = stringAttr(
      "coordinate_transformation_mode", opset < 11 ? "asymmetric" : "half_pixel");
  std::string nearestMode = stringAttr("nearest_mode", "round_prefer_floor");
  if (intAttr("antialias", 0) != 0 ||
      stringAttr("keep_aspect_ratio_policy", "stretch") != "stretch")
    unsupported("antialiased or aspect-keeping Resize");
  if (xt.getDimSize(0) != out.getDimSize(0) ||
      xt.getDimSize(1) != out.getDimSize(1))
    unsupported("resizing the batch or channel dimension");
  // The scale of each spatial dimension as a fraction p / q: out / in when
  // sizes are given, else the smallest fraction equal to the f32 scale (the
  // coordinate transform uses the scale itself).
  int64_t ratio[2][2];
  for (int i = 0; i < 2; ++i) {
    ratio[i][0] = out.getDimSize(2 + i);
    ratio[i][1] = xt.getDimSize(2 + i);
  }
  int64_t scalesInput = opset < 11 ? 1 : 2;
  if (hasInput(scalesInput) && !(opset >= 11 && hasInput(3))) {
    SmallVector<double> scales = constantFloats(scalesInput);
    if (!scales.empty()) {
      if (scales.size() != 4)
        failNode("scales must have 4 entries");
      for (int i = 0; i < 2; ++i) {
        float sc = float(scales[2 + i]);
        bool found = false;
        for (int64_t q = 1; q <= 1024 && !found; ++q) {
          int64_t pn = std::llround(double(sc) * q);
          if (pn > 0 && float(double(pn) / double(q)) == sc) {
            ratio[i][0] = pn;
            ratio[i][1] = q;
            found = true;
          }
        }
        if (!found)
          unsupported("a scale that is no fraction with denominator <= 1024");
      }
    }
  }
  // TOSA: y = o * d + offset; input index from y / n (nearest: rounded half
  // up; bilinear: the fraction weighs the two neighbours).
  SmallVector<int64_t> scale, offset, border;
  for (int i = 2; i < 4; ++i) {
    int64_t in = xt.getDimSize(i), o = out.getDimSize(i);
    int64_t p = ratio[i - 2][0], q = ratio[i - 2][1];
    int64_t n, d, off;
    if (transform == "asymmetric") {
      n = p, d = q, off = 0;
    } else if (transform == "half_pixel" ||
               (transform == "pytorch_half_pixel" && o > 1)) {
      // x_in = (x_out + 0.5) * q / p - 0.5.
      n = 2 * p, d = 2 * q, off = q - p;
    } else if ((transform == "pytorch_half_pixel" && o == 1) ||
               (transform == "align_corners" && in * p == q)) {
      n = 1, d = 1, off = 0; // the only output reads input coordinate 0
    } else if (transform == "align_corners") {
      // x_in = x_out * (in - 1) / (L - 1), L = in * p / q (the scaled
      // length, not rounded: ONNX's reference).
      n = in * p - q, d = (in - 1) * q, off = 0;
    } else if (transform == "tf_half_pixel_for_nn" &&
               mode == "nearest") {
      n = 2 * p, d = 2 * q, off = q;
    } else {
      unsupported("coordinate_transformation_mode '" + transform + "'");
    }
    if (mode == "nearest") {
      // TOSA rounds y / n half up: index = floor((y + h) / n), h = n / 2.
      int64_t h = n / 2;
      if (nearestMode == "floor")
        off -= h;
      else if (nearestMode == "ceil")
        off += n - 1 - h;
      else if (nearestMode == "round_prefer_floor" && n % 2 == 0)
        off -= 1;
      else if (nearestMode != "round_prefer_ceil" &&
               nearestMode != "round_prefer_floor")
        unsupported("nearest_mode '" + nearestMode + "'");
    }
    if (n > (1 << 11) || d >= 16 * n || off < -n || off >= 16 * n)
      unsupported("a scale outside TOSA's resize limits");
    int64_t bord = (o - 1) * d - (in - 1) * n + off;
    if (bord < -16 * n || bord >= n)
      unsupported("a scale outside TOSA's resize limits");
    scale.append({n, d});
    offset.push_back(off);
    border.push_back(bord);
  }
  auto outNHWC = RankedTensorType::get({out.getDimSize(0), out.getDimSize(2),
                                        out.getDimSize(3), out.getDimSize(1)},
                                       b.getF32Type());
  Value r = tosa::ResizeOp::create(
      b, loc, outNHWC, toNHWC(x), shapeValue(scale), shapeValue(offset),
      shapeValue(border),
      tosa::ResizeModeAttr::get(ctx, mode == "nearest"
                                         ? tosa::ResizeMode::NEAREST_NEIGHBOR
                                         : tosa::ResizeMode::BILINEAR));
  setOutput(toNCHW(r));
}

void Importer::importPool(StringRef op) {
  Value x = input(0);
  auto xt = cast<RankedTensorType>(x.getType());
  // 1-D: a 2-D pooling of height 1 (audio front ends).
  bool oneD = xt.getRank() == 3;
  if (oneD) {
    x = reshape(x, {xt.getDimSize(0), xt.getDimSize(1), 1, xt.getDimSize(2)});
    xt = cast<RankedTensorType>(x.getType());
  }
  if (xt.getRank() != 4 || !xt.getElementType().isF32())
    unsupported("only 1-D and 2-D f32 pooling is supported");
  // Attributes of a 1-D pooling, widened to 2-D: height 1, stride 1, no
  // padding along it.
  auto widen = [&](SmallVector<int64_t> v, int64_t unit) {
    if (oneD && v.size() == 1)
      v.insert(v.begin(), unit);
    return v;
  };
  SmallVector<int64_t> kernel, strides = {1, 1}, pads(4, 0);
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    kernel = {xt.getDimSize(2), xt.getDimSize(3)};
  } else {
    int64_t rank = oneD ? 1 : 2;
    kernel = widen(intsAttr("kernel_shape"), 1);
    if (kernel.size() != 2)
      failNode("kernel_shape must have " + Twine(rank) + " entries");
    if (!intsAttr("strides").empty())
      strides = widen(intsAttr("strides"), 1);
    if (strides.size() != 2 ||
        llvm::any_of(strides, [](int64_t v) { return v <= 0; }) ||
        llvm::any_of(kernel, [](int64_t v) { return v <= 0; }))
      failNode("kernel_shape and strides must be " + Twine(rank) +
               " positive values");
    if (!intsAttr("dilations").empty() &&
        llvm::any_of(intsAttr("dilations"), [](int64_t d) { return d != 1; }))
      unsupported("dilated pooling is not supported");
    SmallVector<int64_t> onnxPads = intsAttr("pads");
    if (oneD && onnxPads.size() == 2)
      onnxPads = {0, onnxPads[0], 0, onnxPads[1]};
    pads = tosaPads(stringAttr("auto_pad", "NOTSET"), onnxPads,
                    {xt.getDimSize(2), xt.getDimSize(3)}, kernel, strides);
    if (op == "AveragePool" && intAttr("count_include_pad", 0) != 0 &&
        llvm::any_of(pads, [](int64_t p) { return p != 0; }))
      unsupported("count_include_pad = 1 with padding is not supported");
    // ceil_mode: the last, partial window is taken too (unless it would
    // start in the end padding), as more end padding, which max pooling
    // never picks and average pooling leaves out of the count (TOSA's
    // avg_pool2d counts only input elements, as ONNX without
    // count_include_pad does).
    bool ceil = intAttr("ceil_mode", 0) != 0;
    SmallVector<int64_t> kept = {xt.getDimSize(2), xt.getDimSize(3)};
    for (int i = 0; i < 2; ++i) {
      int64_t in = xt.getDimSize(2 + i), begin = pads[2 * i],
              &end = pads[2 * i + 1];
      int64_t span = in + begin + end - kernel[i];
      if (span < 0)
        failNode("the window is larger than the padded input");
      if (ceil) {
        int64_t out = llvm::divideCeil(span, strides[i]) + 1;
        if ((out - 1) * strides[i] >= in + begin)
          --out;
        end = (out - 1) * strides[i] + kernel[i] - in - begin;
        if (end < 0)
          unsupported("ceil_mode = 1 where the last window drops input "
                      "elements");
        if (end >= kernel[i])
          unsupported("ceil_mode = 1 with end padding as large as the "
                      "window");
      } else if (!exactEndPad(in, kernel[i], strides[i], begin, end)) {
        // ONNX floors the output size: the windows reach up to `need` of
        // the padded extent; the input rows beyond are cut (TOSA's output
        // size is exact), the end padding is what they still cover.
        int64_t need = (span / strides[i]) * strides[i] + kernel[i];
        kept[i] = std::min(in, need - begin);
        end = need - begin - kept[i];
      }
    }
    if (kept[0] != xt.getDimSize(2) || kept[1] != xt.getDimSize(3)) {
      SmallVector<int64_t> size = {xt.getDimSize(0), xt.getDimSize(1), kept[0],
                                   kept[1]};
      x = tosa::SliceOp::create(
          b, loc, RankedTensorType::get(size, xt.getElementType()), x,
          shapeValue({0, 0, 0, 0}), shapeValue(size));
    }
  }
  RankedTensorType out = outputType();
  auto outNHWC =
      RankedTensorType::get({out.getDimSize(0), oneD ? 1 : out.getDimSize(2),
                             out.getDimSize(oneD ? 2 : 3), out.getDimSize(1)},
                            b.getF32Type());
  Value nhwc = toNHWC(x);
  Value r;
  if (op == "MaxPool" || op == "GlobalMaxPool") {
    if (node->output_size() > 1)
      unsupported("the Indices output of MaxPool is not supported");
    r = tosa::MaxPool2dOp::create(b, loc, outNHWC, nhwc, kernel, strides,
                                  pads);
  } else {
    r = tosa::AvgPool2dOp::create(
        b, loc, outNHWC, nhwc, b.getDenseI64ArrayAttr(kernel),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
        TypeAttr::get(b.getF32Type()));
  }
  setOutput(oneD ? reshape(toNCHW(r), out.getShape()) : toNCHW(r));
}

void Importer::importBatchNorm() {
  if (opset < 7)
    unsupported("BatchNormalization before opset 7 (is_test, spatial)");
  if (intAttr("training_mode", 0) != 0 || node->output_size() > 1)
    unsupported("only inference batch normalization is supported");
  Value x = input(0);
  auto xt = cast<RankedTensorType>(x.getType());
  if (xt.getRank() < 2 || !xt.getElementType().isF32())
    unsupported("only f32 inputs of rank >= 2 are supported");
  // Channels (dimension 1) last.
  SmallVector<int32_t> perm = {0}, inverse(xt.getRank());
  for (int32_t d = 2; d < xt.getRank(); ++d)
    perm.push_back(d);
  perm.push_back(1);
  for (int32_t d = 0; d < xt.getRank(); ++d)
    inverse[perm[d]] = d;
  Value last = transpose(x, perm);
  Value bn = qnn::BatchNormOp::create(
      b, loc, last.getType(), last, input(3), input(4), input(1), input(2),
      b.getF32FloatAttr(floatAttr("epsilon", 1e-5f)));
  setOutput(transpose(bn, inverse));
}

//===----------------------------------------------------------------------===//
// Matmul, Gemm
//===----------------------------------------------------------------------===//

void Importer::importMatMul() {
  Value a = input(0), c = input(1);
  auto at = cast<RankedTensorType>(a.getType());
  auto ct = cast<RankedTensorType>(c.getType());
  RankedTensorType out = outputType();
  if (!at.getElementType().isF32())
    unsupported("only f32 MatMul is supported (MatMulInteger for int8)");
  if (at.getRank() < 2 || ct.getRank() < 2)
    unsupported("1-D MatMul operands are not supported");
  if (at.getNumElements() == 0 || ct.getNumElements() == 0)
    unsupported("empty MatMul operands");
  int64_t m = at.getDimSize(at.getRank() - 2), k = at.getDimSize(at.getRank() - 1);
  int64_t n = ct.getDimSize(ct.getRank() - 1);
  int64_t batchA = at.getNumElements() / (m * k);
  int64_t batchC = ct.getNumElements() / (k * n);
  Value a3, c3;
  int64_t batch;
  if (batchC == 1) {
    // [..., M, K] x [K, N]: fold A's batch into M.
    a3 = reshape(a, {1, batchA * m, k});
    c3 = reshape(c, {1, k, n});
    batch = 1;
    m *= batchA;
  } else if (batchA == batchC && at.getRank() == ct.getRank()) {
    a3 = reshape(a, {batchA, m, k});
    c3 = reshape(c, {batchA, k, n});
    batch = batchA;
  } else {
    unsupported("MatMul batch broadcasting is not supported");
  }
  auto zpType = RankedTensorType::get({1}, b.getF32Type());
  Value zp = tosa::ConstOp::create(b, loc, zpType,
                                   DenseElementsAttr::get(zpType, 0.0f));
  Value r = tosa::MatMulOp::create(
      b, loc, RankedTensorType::get({batch, m, n}, b.getF32Type()), a3, c3,
      zp, zp);
  setOutput(reshape(r, out.getShape()));
}

void Importer::importGemm() {
  Value a = input(0), c = input(1);
  if (!cast<RankedTensorType>(a.getType()).getElementType().isF32())
    unsupported("only f32 Gemm is supported");
  for (auto [name, v] : {std::pair{"A", a}, std::pair{"B", c}})
    if (int64_t rank = cast<RankedTensorType>(v.getType()).getRank(); rank != 2)
      failNode("input " + Twine(name) + " has rank " + Twine(rank) +
               ", Gemm takes matrices");
  if (intAttr("transA", 0))
    a = transpose(a, {1, 0});
  if (intAttr("transB", 0))
    c = transpose(c, {1, 0});
  auto at = cast<RankedTensorType>(a.getType());
  auto ct = cast<RankedTensorType>(c.getType());
  int64_t m = at.getDimSize(0), k = at.getDimSize(1), n = ct.getDimSize(1);
  auto zpType = RankedTensorType::get({1}, b.getF32Type());
  Value zp = tosa::ConstOp::create(b, loc, zpType,
                                   DenseElementsAttr::get(zpType, 0.0f));
  Value r = tosa::MatMulOp::create(
      b, loc, RankedTensorType::get({1, m, n}, b.getF32Type()),
      reshape(a, {1, m, k}), reshape(c, {1, k, n}), zp, zp);
  float alpha = floatAttr("alpha", 1.0f), beta = floatAttr("beta", 1.0f);
  if (alpha != 1.0f)
    r = mul(r, splat(b.getF32Type(), alpha, 3));
  if (hasInput(2)) {
    Value bias = input(2);
    if (beta != 1.0f)
      bias = mul(bias, splat(b.getF32Type(), beta, 1));
    auto [x, y] = broadcastPair(r, bias);
    r = tosa::AddOp::create(b, loc, x.getType(), x, y);
  }
  setOutput(reshape(r, {m, n}));
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

void Importer::importReshapeLike(StringRef op) {
  // The result shape is known from shape inference; constant shape/axes
  // inputs are only checked to be constant.
  if (op == "Reshape" && !constantInput(1))
    unsupported("the shape input that is not a constant (it must be)");
  if ((op == "Squeeze" || op == "Unsqueeze") && opset >= 13 && hasInput(1) &&
      !constantInput(1))
    unsupported("the axes input that is not a constant (it must be)");
  if (inputType(0).getNumElements() == 0)
    unsupported("a tensor with no elements (TOSA's reshape needs one)");
  setOutput(reshape(input(0), outputType().getShape()));
}

void Importer::importTranspose() {
  Value x = input(0);
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> perm = intsAttr("perm");
  SmallVector<int32_t> p;
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d)
      p.push_back(d);
  else {
    SmallVector<bool> seen(rank, false);
    for (int64_t d : perm) {
      if (d < 0 || d >= rank || seen[d])
        failNode("perm is not a permutation of the dimensions");
      seen[d] = true;
      p.push_back(int32_t(d));
    }
    if ((int64_t)p.size() != rank)
      failNode("perm is not a permutation of the dimensions");
  }
  setOutput(transpose(x, p));
}

void Importer::importConcat() {
  SmallVector<Value> inputs;
  for (int64_t i = 0; i < numInputs(); ++i)
    inputs.push_back(input(i));
  if (inputs.empty())
    failNode("Concat needs at least one input");
  int64_t rank = cast<RankedTensorType>(inputs[0].getType()).getRank();
  int64_t axis = normAxis(intAttr("axis", 0), rank);
  RankedTensorType out = outputType();
  auto type = out.clone(
      cast<RankedTensorType>(inputs[0].getType()).getElementType());
  setOutput(tosa::ConcatOp::create(b, loc, type, inputs,
                                   b.getI32IntegerAttr(axis)));
}

void Importer::importSoftmax(bool log) {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  int64_t axis = normAxis(intAttr("axis", opset < 13 ? 1 : -1), rank);
  // Before opset 13 the input is coerced to 2-D at `axis`: softmax over all
  // trailing dimensions.
  Value flat = x;
  int64_t reduceAxis = axis;
  if (opset < 13) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < axis ? outer : inner) *= type.getDimSize(d);
    flat = reshape(x, {outer, inner});
    reduceAxis = 1;
  }
  auto ft = cast<RankedTensorType>(flat.getType());
  SmallVector<int64_t> reduced(ft.getShape());
  reduced[reduceAxis] = 1;
  auto redType = ft.clone(reduced);
  Value mx = tosa::ReduceMaxOp::create(b, loc, redType, flat,
                                       b.getI32IntegerAttr(reduceAxis));
  Value shifted = tosa::SubOp::create(b, loc, ft, flat, mx);
  Value e = tosa::ExpOp::create(b, loc, ft, shifted);
  Value sum = tosa::ReduceSumOp::create(b, loc, redType, e,
                                        b.getI32IntegerAttr(reduceAxis));
  // LogSoftmax: (x - max) - log(sum(exp(x - max))).
  Value r =
      log ? Value(tosa::SubOp::create(
                b, loc, ft, shifted, tosa::LogOp::create(b, loc, redType, sum)))
          : mul(e, tosa::ReciprocalOp::create(b, loc, redType, sum));
  setOutput(reshape(r, type.getShape()));
}

void Importer::importReduceMean() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.getElementType().isF32())
    unsupported("only f32 ReduceMean is supported");
  SmallVector<int64_t> axes = intsFromAttrOrInput("axes", 1, 18);
  if (axes.empty()) {
    if (intAttr("noop_with_empty_axes", 0))
      return setOutput(x);
    for (int64_t d = 0; d < type.getRank(); ++d)
      axes.push_back(d);
  }
  Value r = x;
  int64_t count = 1;
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t a : axes) {
    a = normAxis(a, type.getRank());
    count *= shape[a];
    shape[a] = 1;
    r = tosa::ReduceSumOp::create(b, loc, type.clone(shape), r,
                                  b.getI32IntegerAttr(a));
  }
  r = mul(r, splat(b.getF32Type(), 1.0 / double(count), type.getRank()));
  setOutput(reshape(r, outputType().getShape()));
}


void Importer::importReduce(StringRef op) {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.getElementType().isF32() && !type.getElementType().isInteger(32))
    unsupported("element type other than f32 and i32");
  // The reductions made of a sum (or a product, a max or a min): an
  // elementwise op before, one after.
  bool isFloat = type.getElementType().isF32();
  if ((op == "ReduceL2" || op == "ReduceLogSum" || op == "ReduceLogSumExp") &&
      !isFloat)
    unsupported("integer " + op);
  // axes moved from attribute to input in opset 18 (ReduceSum: 13).
  SmallVector<int64_t> axes =
      intsFromAttrOrInput("axes", 1, op == "ReduceSum" ? 13 : 18);
  if (axes.empty()) {
    if (intAttr("noop_with_empty_axes", 0))
      return setOutput(x);
    for (int64_t d = 0; d < type.getRank(); ++d)
      axes.push_back(d);
  }
  auto reduce = [&](Value v, StringRef kind) {
    SmallVector<int64_t> shape(type.getShape());
    for (int64_t a : axes) {
      a = normAxis(a, type.getRank());
      shape[a] = 1;
      auto t = type.clone(shape);
      auto axis = b.getI32IntegerAttr(a);
      if (kind == "min")
        v = tosa::ReduceMinOp::create(b, loc, t, v, axis);
      else if (kind == "max")
        v = tosa::ReduceMaxOp::create(b, loc, t, v, axis);
      else if (kind == "product")
        v = tosa::ReduceProductOp::create(b, loc, t, v, axis);
      else
        v = tosa::ReduceSumOp::create(b, loc, t, v, axis);
    }
    return v;
  };
  Value r;
  if (op == "ReduceMin")
    r = reduce(x, "min");
  else if (op == "ReduceMax")
    r = reduce(x, "max");
  else if (op == "ReduceProd")
    r = reduce(x, "product");
  else if (op == "ReduceL1")
    r = reduce(tosa::AbsOp::create(b, loc, type, x), "sum");
  else if (op == "ReduceSumSquare" || op == "ReduceL2") {
    r = reduce(mul(x, x), "sum");
    if (op == "ReduceL2")
      r = tosa::ReciprocalOp::create(
          b, loc, r.getType(), tosa::RsqrtOp::create(b, loc, r.getType(), r));
  } else if (op == "ReduceLogSum") {
    Value sum = reduce(x, "sum");
    r = tosa::LogOp::create(b, loc, sum.getType(), sum);
  } else if (op == "ReduceLogSumExp") {
    // max + log(sum(exp(x - max))): no overflow where exp(x) would.
    Value mx = reduce(x, "max");
    Value e = tosa::ExpOp::create(b, loc, type,
                                  tosa::SubOp::create(b, loc, type, x, mx));
    Value sum = reduce(e, "sum");
    r = tosa::AddOp::create(b, loc, sum.getType(), mx,
                            tosa::LogOp::create(b, loc, sum.getType(), sum));
  } else
    r = reduce(x, "sum");
  setOutput(reshape(r, outputType().getShape()));
}

void Importer::importArgMax(bool min) {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.getElementType().isF32())
    unsupported("only f32 ArgMax/ArgMin inputs are supported");
  int64_t rank = type.getRank();
  int64_t axis = normAxis(intAttr("axis", 0), rank);
  bool last = intAttr("select_last_index", 0) != 0;
  RankedTensorType out = outputType();
  if (!out.getElementType().isInteger(64))
    unsupported("a non-int64 ArgMax/ArgMin output");
  // ArgMin: the ArgMax of -x (negation is exact, ties stay ties). The last
  // index: the first of the reversed axis, counted from the end.
  Value v = min ? Value(tosa::NegateOp::create(b, loc, type, x)) : x;
  if (last)
    v = tosa::ReverseOp::create(b, loc, type, v, b.getI32IntegerAttr(axis));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      shape.push_back(type.getDimSize(d));
  auto idxType = RankedTensorType::get(shape, b.getI32Type());
  Value idx =
      tosa::ArgMaxOp::create(b, loc, idxType, v, b.getI32IntegerAttr(axis));
  int64_t n = type.getDimSize(axis);
  Value r = elementwise(
      {idx}, b.getI64Type(), [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value i = a[0];
        if (last)
          i = arith::SubIOp::create(
              nb, nl,
              arith::ConstantIntOp::create(nb, nl, nb.getI32Type(), n - 1), i);
        return arith::ExtSIOp::create(nb, nl, nb.getI64Type(), i).getResult();
      });
  setOutput(reshape(r, out.getShape()));
}

bool Importer::isBoolInput(int64_t i) {
  const std::string &name = node->input(i);
  if (boolValues.contains(name))
    return true;
  if (auto it = constants.find(name); it != constants.end())
    return it->second->data_type() == onnx::TensorProto::BOOL;
  auto it = valueInfo.find(name);
  return it != valueInfo.end() && it->second->type().has_tensor_type() &&
         it->second->type().tensor_type().elem_type() ==
             onnx::TensorProto::BOOL;
}

void Importer::importCompare(StringRef op) {
  Type elem = inputType(0).getElementType();
  if (elem != inputType(1).getElementType())
    unsupported("operands of different element types");
  bool bools = isBoolInput(0) && isBoolInput(1);
  if (!elem.isF32() && !elem.isInteger(32) && !(bools && op == "Equal"))
    unsupported("comparison of this element type (f32 and i32 are "
                "supported)");
  // Bytes of 0 or 1, computed and widened in one loop (no i1 tensor).
  bool isFloat = elem.isF32();
  // Less and LessOrEqual: Greater and GreaterOrEqual, operands swapped.
  bool swap = op == "Less" || op == "LessOrEqual";
  arith::CmpFPredicate fp = arith::CmpFPredicate::OGE;
  arith::CmpIPredicate ip = arith::CmpIPredicate::sge;
  if (op == "Equal")
    fp = arith::CmpFPredicate::OEQ, ip = arith::CmpIPredicate::eq;
  else if (op == "Greater" || op == "Less")
    fp = arith::CmpFPredicate::OGT, ip = arith::CmpIPredicate::sgt;
  Value r = elementwise(
      {input(0), input(1)}, b.getI8Type(),
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value x = swap ? a[1] : a[0], y = swap ? a[0] : a[1];
        Value c = isFloat ? Value(arith::CmpFOp::create(nb, nl, fp, x, y))
                          : Value(arith::CmpIOp::create(nb, nl, ip, x, y));
        return arith::ExtUIOp::create(nb, nl, nb.getI8Type(), c).getResult();
      });
  setOutput(reshape(r, outputType().getShape()));
  boolValues.insert(node->output(0));
}

void Importer::importLogical(StringRef op) {
  for (int64_t i = 0; i < numInputs(); ++i)
    if (!isBoolInput(i))
      unsupported("a non-boolean operand of " + op);
  SmallVector<Value> operands;
  for (int64_t i = 0; i < numInputs(); ++i)
    operands.push_back(input(i));
  // On bytes of 0 or 1: the bitwise ops are the logical ones.
  Value r = elementwise(
      operands, b.getI8Type(), [&](OpBuilder &nb, Location nl, ValueRange a) {
        if (op == "Not")
          return arith::XOrIOp::create(
                     nb, nl, a[0],
                     arith::ConstantIntOp::create(nb, nl, nb.getI8Type(), 1))
              .getResult();
        if (op == "And")
          return arith::AndIOp::create(nb, nl, a[0], a[1]).getResult();
        if (op == "Or")
          return arith::OrIOp::create(nb, nl, a[0], a[1]).getResult();
        return arith::XOrIOp::create(nb, nl, a[0], a[1]).getResult();
      });
  setOutput(reshape(r, outputType().getShape()));
  boolValues.insert(node->output(0));
}

void Importer::importTrilu() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (rank < 2)
    failNode("Trilu needs an input of rank 2 or more");
  Type elem = type.getElementType();
  if (!elem.isF32() && !elem.isInteger(32) && !elem.isInteger(64))
    unsupported("Trilu of this element type");
  // k: a constant, or a run-time int64 scalar read in the loop.
  int64_t k = 0;
  SmallVector<Value> operands = {x};
  if (hasInput(1)) {
    RankedTensorType kt = inputType(1);
    if (kt.getNumElements() != 1 || !kt.getElementType().isInteger(64))
      failNode("Trilu's k must be a single int64");
    if (auto ks = constantIntValues(1))
      k = (*ks)[0];
    else
      operands.push_back(input(1));
  }
  bool upper = intAttr("upper", 1) != 0;
  // Keep (i, j) of the last two dimensions where j - i >= k (upper) or
  // j - i <= k (lower), from the loop indices (no mask in memory).
  Value r = elementwise(
      operands, elem, [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value i = linalg::IndexOp::create(nb, nl, rank - 2);
        Value j = linalg::IndexOp::create(nb, nl, rank - 1);
        Value diff = arith::SubIOp::create(nb, nl, j, i);
        Value kv = a.size() > 1
                       ? Value(arith::IndexCastOp::create(
                             nb, nl, nb.getIndexType(), a[1]))
                       : Value(arith::ConstantIndexOp::create(nb, nl, k));
        Value keep = arith::CmpIOp::create(nb, nl,
                                           upper ? arith::CmpIPredicate::sge
                                                 : arith::CmpIPredicate::sle,
                                           diff, kv);
        Value zero = arith::ConstantOp::create(nb, nl, nb.getZeroAttr(elem));
        return arith::SelectOp::create(nb, nl, keep, a[0], zero).getResult();
      });
  setOutput(r);
}

void Importer::importMath(StringRef op) {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  Type elem = type.getElementType();
  if (!elem.isF32())
    unsupported("only f32 inputs are supported");
  bool predicate = op == "IsInf" || op == "IsNaN";
  float alpha = floatAttr("alpha", op == "Selu"   ? 1.67326319217681884765625f
                                   : op == "Celu" ? 1.0f
                                                  : 1.0f);
  float gamma = floatAttr("gamma", 1.05070102214813232421875f);
  float lambd = floatAttr("lambd", 0.5f), bias = floatAttr("bias", 0.0f);
  bool positive = intAttr("detect_positive", 1) != 0;
  bool negative = intAttr("detect_negative", 1) != 0;
  Value r = elementwise(
      {x}, predicate ? b.getI8Type() : elem,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        Value v = a[0];
        auto c = [&](double d) -> Value {
          return arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(d));
        };
        auto cmp = [&](arith::CmpFPredicate p, Value l, Value r) -> Value {
          return arith::CmpFOp::create(nb, nl, p, l, r);
        };
        auto sel = [&](Value cond, Value t, Value f) -> Value {
          return arith::SelectOp::create(nb, nl, cond, t, f);
        };
        auto add = [&](Value l, Value r) -> Value {
          return arith::AddFOp::create(nb, nl, l, r);
        };
        auto mulf = [&](Value l, Value r) -> Value {
          return arith::MulFOp::create(nb, nl, l, r);
        };
        auto toByte = [&](Value i1) -> Value {
          return arith::ExtUIOp::create(nb, nl, nb.getI8Type(), i1);
        };
        if (op == "Softplus") // max(x, 0) + log1p(exp(-|x|)): no overflow
          return add(arith::MaximumFOp::create(nb, nl, v, c(0)),
                     math::Log1pOp::create(
                         nb, nl,
                         math::ExpOp::create(
                             nb, nl,
                             arith::NegFOp::create(
                                 nb, nl, math::AbsFOp::create(nb, nl, v)))));
        if (op == "Softsign")
          return arith::DivFOp::create(
              nb, nl, v, add(c(1), math::AbsFOp::create(nb, nl, v)));
        if (op == "Selu" || op == "Celu") {
          // Selu: gamma (x > 0 ? x : alpha (e^x - 1)); Celu: max(0, x) +
          // min(0, alpha (e^(x / alpha) - 1)).
          if (op == "Celu") {
            Value e = arith::SubFOp::create(
                nb, nl,
                math::ExpOp::create(nb, nl,
                                    arith::DivFOp::create(nb, nl, v, c(alpha))),
                c(1));
            return add(
                arith::MaximumFOp::create(nb, nl, v, c(0)),
                arith::MinimumFOp::create(nb, nl, c(0), mulf(c(alpha), e)));
          }
          Value e =
              mulf(c(alpha), arith::SubFOp::create(
                                 nb, nl, math::ExpOp::create(nb, nl, v), c(1)));
          return mulf(c(gamma),
                      sel(cmp(arith::CmpFPredicate::OGT, v, c(0)), v, e));
        }
        if (op == "ThresholdedRelu")
          return sel(cmp(arith::CmpFPredicate::OGT, v, c(alpha)), v, c(0));
        if (op == "Shrink")
          return sel(cmp(arith::CmpFPredicate::OLT, v, c(-lambd)),
                     add(v, c(bias)),
                     sel(cmp(arith::CmpFPredicate::OGT, v, c(lambd)),
                         arith::SubFOp::create(nb, nl, v, c(bias)), c(0)));
        if (op == "Sign")
          return sel(cmp(arith::CmpFPredicate::OGT, v, c(0)), c(1),
                     sel(cmp(arith::CmpFPredicate::OLT, v, c(0)), c(-1),
                         mulf(v, c(0)))); // 0 stays 0, NaN stays NaN
        if (op == "IsNaN")
          return toByte(cmp(arith::CmpFPredicate::UNO, v, v));
        if (op == "IsInf") {
          Value inf = c(std::numeric_limits<float>::infinity());
          Value pos = cmp(arith::CmpFPredicate::OEQ, v, inf);
          Value neg = cmp(arith::CmpFPredicate::OEQ, v,
                          c(-std::numeric_limits<float>::infinity()));
          Value no = arith::ConstantIntOp::create(nb, nl, nb.getI1Type(), 0);
          return toByte(arith::OrIOp::create(nb, nl, positive ? pos : no,
                                             negative ? neg : no));
        }
        if (op == "Sin")
          return math::SinOp::create(nb, nl, v);
        if (op == "Cos")
          return math::CosOp::create(nb, nl, v);
        if (op == "Tan")
          return math::TanOp::create(nb, nl, v);
        if (op == "Asin")
          return math::AsinOp::create(nb, nl, v);
        if (op == "Acos")
          return math::AcosOp::create(nb, nl, v);
        if (op == "Atan")
          return math::AtanOp::create(nb, nl, v);
        if (op == "Sinh")
          return math::SinhOp::create(nb, nl, v);
        if (op == "Cosh")
          return math::CoshOp::create(nb, nl, v);
        if (op == "Asinh")
          return math::AsinhOp::create(nb, nl, v);
        if (op == "Acosh")
          return math::AcoshOp::create(nb, nl, v);
        return math::AtanhOp::create(nb, nl, v); // Atanh
      });
  setOutput(r);
  if (predicate)
    boolValues.insert(node->output(0));
}

void Importer::importWhere() {
  if (!isBoolInput(0))
    unsupported("a non-boolean condition of Where");
  Type elem = inputType(1).getElementType();
  if (elem != inputType(2).getElementType())
    unsupported("operands of different element types");
  Value r = elementwise(
      {input(0), input(1), input(2)}, elem,
      [](OpBuilder &nb, Location nl, ValueRange a) {
        Value zero = arith::ConstantIntOp::create(nb, nl, nb.getI8Type(), 0);
        Value cond =
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ne, a[0], zero);
        return arith::SelectOp::create(nb, nl, cond, a[1], a[2]).getResult();
      });
  setOutput(reshape(r, outputType().getShape()));
  if (isBoolInput(1) && isBoolInput(2))
    boolValues.insert(node->output(0));
}

void Importer::importExpand() {
  if (!constantInput(1))
    unsupported("the shape input that is not a constant (it must be)");
  // numpy broadcasting of the input to the (inferred) output shape.
  Value x = input(0);
  RankedTensorType out = outputType();
  int64_t rank = out.getRank();
  Value xr = rankTo(x, rank);
  auto xt = cast<RankedTensorType>(xr.getType());
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    exprs.push_back(xt.getDimSize(d) == 1 && out.getDimSize(d) != 1
                        ? b.getAffineConstantExpr(0)
                        : b.getAffineDimExpr(d));
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, ctx),
                                 b.getMultiDimIdentityMap(rank)};
  Value init =
      tensor::EmptyOp::create(b, loc, out.getShape(), xt.getElementType());
  Value r =
      linalg::GenericOp::create(
          b, loc, out.clone(xt.getElementType()), ValueRange{xr},
          ValueRange{init}, maps,
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [](OpBuilder &nb, Location nl, ValueRange args) {
            linalg::YieldOp::create(nb, nl, args[0]);
          })
          .getResult(0);
  setOutput(r);
  if (isBoolInput(0))
    boolValues.insert(node->output(0));
}

void Importer::importTile() {
  SmallVector<int64_t> repeats = constantInts(1);
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if ((int64_t)repeats.size() != type.getRank())
    failNode("Tile's repeats has " + Twine(repeats.size()) +
             " values for an input of rank " + Twine(type.getRank()));
  if (type.getNumElements() == 0 ||
      llvm::any_of(repeats, [](int64_t r) { return r < 1; }))
    unsupported("an empty Tile");
  setOutput(tosa::TileOp::create(b, loc, outputType(), x, shapeValue(repeats)));
  if (isBoolInput(0))
    boolValues.insert(node->output(0));
}

void Importer::importRange() {
  // The length depends on the values: they must be compile-time constants
  // (a constant, an initializer, or an input fixed with --input-value).
  auto start = constantInput(0), limit = constantInput(1),
       delta = constantInput(2);
  if (!start || !limit || !delta)
    unsupported("Range with a run-time start, limit or delta (the length of "
                "its result depends on their values)");
  if (start->getNumElements() != 1 || limit->getNumElements() != 1 ||
      delta->getNumElements() != 1)
    failNode("Range's start, limit and delta must be scalars");
  Type elem = start->getElementType();
  if (!isa<FloatType>(elem) && !elem.isInteger(32) && !elem.isInteger(64))
    unsupported("Range of this element type (floats, i32, i64 are "
                "supported)");
  auto scalar = [&](DenseElementsAttr a) -> double {
    if (isa<FloatType>(elem))
      return (*a.getValues<APFloat>().begin()).convertToDouble();
    return double((*a.getValues<APInt>().begin()).getSExtValue());
  };
  double s0 = scalar(*start), l0 = scalar(*limit), d0 = scalar(*delta);
  if (d0 == 0 || !std::isfinite(s0) || !std::isfinite(l0) || !std::isfinite(d0))
    failNode("Range needs a finite start and limit and a non-zero delta");
  // ONNX: max(ceil((limit - start) / delta), 0) elements, start + i * delta.
  double count = std::max(std::ceil((l0 - s0) / d0), 0.0);
  if (count == 0)
    unsupported("an empty Range (TOSA has no tensor with no elements)");
  if (count > double(int64_t(1) << 24))
    unsupported("a Range of more than 2^24 elements");
  auto type = RankedTensorType::get({int64_t(count)}, elem);
  DenseElementsAttr values;
  if (isa<FloatType>(elem)) {
    // Accumulated in the element type, as the ONNX reference does
    // (start, start + delta, ...).
    auto f = cast<FloatType>(elem);
    SmallVector<APFloat> v;
    APFloat x = *start->getValues<APFloat>().begin();
    APFloat step = *delta->getValues<APFloat>().begin();
    bool lost;
    x.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    step.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    for (int64_t i = 0; i < int64_t(count); ++i) {
      v.push_back(x);
      x.add(step, APFloat::rmNearestTiesToEven);
    }
    values = DenseElementsAttr::get(type, v);
  } else {
    SmallVector<APInt> v;
    int64_t x = int64_t(s0), step = int64_t(d0);
    for (int64_t i = 0; i < int64_t(count); ++i, x += step)
      v.push_back(APInt(elem.getIntOrFloatBitWidth(), uint64_t(x),
                        /*isSigned=*/true));
    values = DenseElementsAttr::get(type, v);
  }
  setOutput(tosa::ConstOp::create(b, loc, type, values));
}

double Importer::constantScalar(int64_t i, const Twine &what) {
  std::optional<DenseElementsAttr> v = constantInput(i);
  if (!v)
    unsupported(what + " that is known only at run time (it fixes the "
                       "result's shape or values)");
  if (v->getNumElements() != 1)
    failNode(what + " must be a scalar");
  if (isa<FloatType>(v->getElementType()))
    return (*v->getValues<APFloat>().begin()).convertToDouble();
  if (isa<IntegerType>(v->getElementType()))
    return double((*v->getValues<APInt>().begin()).getSExtValue());
  failNode(what + " must be an integer or a float");
}

void Importer::importWindow(StringRef op) {
  double size = constantScalar(0, op + "'s size");
  if (intAttr("output_datatype", onnx::TensorProto::FLOAT) !=
      onnx::TensorProto::FLOAT)
    unsupported(op + " of an element type other than f32");
  if (size < 1)
    unsupported("an empty window (TOSA has no tensor with no elements)");
  if (size > double(int64_t(1) << 24))
    unsupported("a window of more than 2^24 elements");
  int64_t n = int64_t(size);
  // ONNX: periodic windows divide by N, symmetric ones by N - 1.
  double d = intAttr("periodic", 1) ? double(n) : double(n - 1);
  SmallVector<float> w(n);
  for (int64_t i = 0; i < n; ++i) {
    double x = d > 0 ? 2 * M_PI * double(i) / d : 0.0;
    if (op == "HannWindow")
      w[i] = float(0.5 - 0.5 * std::cos(x));
    else if (op == "HammingWindow")
      w[i] = float(25.0 / 46.0 - (1.0 - 25.0 / 46.0) * std::cos(x));
    else
      w[i] = float(0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2 * x));
  }
  setOutput(constF32({n}, w));
}

void Importer::importMelWeightMatrix() {
  double mels = constantScalar(0, "MelWeightMatrix's num_mel_bins");
  double dftLength = constantScalar(1, "MelWeightMatrix's dft_length");
  double rate = constantScalar(2, "MelWeightMatrix's sample_rate");
  double lower = constantScalar(3, "MelWeightMatrix's lower_edge_hertz");
  double upper = constantScalar(4, "MelWeightMatrix's upper_edge_hertz");
  if (intAttr("output_datatype", onnx::TensorProto::FLOAT) !=
      onnx::TensorProto::FLOAT)
    unsupported("MelWeightMatrix of an element type other than f32");
  if (mels < 1 || dftLength < 1 || rate <= 0 || !(lower >= 0) ||
      !(upper > lower) || mels > 65536 || dftLength > double(1 << 24))
    failNode("MelWeightMatrix needs num_mel_bins, dft_length and sample_rate "
             "above 0 and 0 <= lower_edge_hertz < upper_edge_hertz");
  int64_t numMels = int64_t(mels), length = int64_t(dftLength);
  int64_t bins = length / 2 + 1;
  // The ONNX reference: num_mel_bins + 2 points evenly spaced on the mel
  // scale (the edges in f32, as it computes them), back in Hz, as DFT bin
  // indices floor((dft_length + 1) * f / sample_rate); triangles between
  // neighbours.
  auto toMel = [](double hz) {
    return float(2595.0f * std::log10(float(1.0f + float(hz) / 700.0f)));
  };
  float lowMel = toMel(lower), highMel = toMel(upper);
  float step = (highMel - lowMel) / float(numMels + 2);
  SmallVector<int64_t> points(numMels + 2);
  for (int64_t i = 0; i < numMels + 2; ++i) {
    double mel = double(i) * double(step) + double(lowMel);
    double hz = 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
    points[i] = int64_t(std::floor(double(length + 1) * hz / rate));
    if (points[i] < 0 || points[i] >= bins)
      failNode("MelWeightMatrix's mel points reach past the last DFT bin "
               "(upper_edge_hertz too far beyond the Nyquist frequency of "
               "sample_rate)");
  }
  SmallVector<float> w(bins * numMels, 0.0f);
  for (int64_t m = 0; m < numMels; ++m) {
    int64_t lo = points[m], center = points[m + 1], hi = points[m + 2];
    if (center == lo)
      w[center * numMels + m] = 1.0f;
    else
      for (int64_t j = lo; j <= center; ++j)
        w[j * numMels + m] = float(double(j - lo) / double(center - lo));
    for (int64_t j = center; j < hi; ++j)
      w[j * numMels + m] = float(double(hi - j) / double(hi - center));
  }
  setOutput(constF32({bins, numMels}, w));
}

void Importer::importSTFT() {
  RankedTensorType xt = inputType(0);
  if (xt.getRank() != 3)
    failNode("STFT's signal must be [batch, length, 1 or 2]");
  if (xt.getDimSize(2) != 1)
    unsupported("STFT of a complex signal");
  if (!xt.getElementType().isF32())
    unsupported("STFT of an element type other than f32");
  int64_t batch = xt.getDimSize(0), length = xt.getDimSize(1);
  double step = constantScalar(1, "STFT's frame_step");
  std::optional<DenseElementsAttr> window;
  if (hasInput(2)) {
    window = constantInput(2);
    // A window op of a constant size (HannWindow) imports as a constant.
    DenseElementsAttr built;
    if (!window && matchPattern(input(2), m_Constant(&built)))
      window = built;
    if (!window)
      unsupported("STFT with a run-time window (it becomes the filters of "
                  "a convolution)");
    if (window->getType().getRank() != 1 || !window->getElementType().isF32())
      failNode("STFT's window must be a 1-D f32 tensor");
  }
  double frame = hasInput(3) ? constantScalar(3, "STFT's frame_length")
                 : window    ? double(window->getNumElements())
                             : double(length);
  if (window && window->getNumElements() != int64_t(frame))
    failNode("STFT's window length differs from its frame_length");
  if (step < 1 || frame < 1 || frame > double(length))
    failNode("STFT needs frame_step >= 1 and 1 <= frame_length <= the "
             "signal's length");
  int64_t hop = int64_t(step), n = int64_t(frame);
  int64_t bins = intAttr("onesided", 1) ? n / 2 + 1 : n;
  int64_t frames = (length - n) / hop + 1;
  SmallVector<float> win(n, 1.0f);
  if (window)
    win = llvm::to_vector(window->getValues<float>());
  // Filter 2k is frame sample t's weight in the real part of bin k,
  // win[t] cos(2 pi k t / n); filter 2k + 1 its weight in the imaginary
  // part, -win[t] sin(2 pi k t / n). The NHWC result [batch, 1, frames,
  // 2 * bins] is then [batch, frames, bins, 2].
  SmallVector<float> w(2 * bins * n);
  for (int64_t k = 0; k < bins; ++k)
    for (int64_t t = 0; t < n; ++t) {
      double angle = 2 * M_PI * double((k * t) % n) / double(n);
      w[(2 * k) * n + t] = float(win[t] * std::cos(angle));
      w[(2 * k + 1) * n + t] = float(-win[t] * std::sin(angle));
    }
  Value x = reshape(input(0), {batch, 1, length, 1});
  // The samples after the last frame: cut (TOSA's output size is exact).
  int64_t used = (frames - 1) * hop + n;
  if (used != length) {
    SmallVector<int64_t> size = {batch, 1, used, 1};
    x = tosa::SliceOp::create(b, loc,
                              RankedTensorType::get(size, b.getF32Type()), x,
                              shapeValue({0, 0, 0, 0}), shapeValue(size));
  }
  auto outNHWC =
      RankedTensorType::get({batch, 1, frames, 2 * bins}, b.getF32Type());
  Value r = tosa::Conv2DOp::create(
      b, loc, outNHWC, x, constF32({2 * bins, 1, n, 1}, w),
      constF32({2 * bins}, SmallVector<float>(2 * bins, 0.0f)),
      b.getDenseI64ArrayAttr({0, 0, 0, 0}), b.getDenseI64ArrayAttr({1, hop}),
      b.getDenseI64ArrayAttr({1, 1}), TypeAttr::get(b.getF32Type()));
  setOutput(reshape(r, {batch, frames, bins, 2}));
}

void Importer::importDFT() {
  RankedTensorType xt = inputType(0);
  int64_t rank = xt.getRank();
  if (rank < 3)
    failNode("DFT's input must be [batch, signal..., 1 or 2]");
  int64_t parts = xt.getDimSize(rank - 1);
  if (parts != 1 && parts != 2)
    failNode("DFT's last dimension must be 1 (real) or 2 (complex)");
  if (!xt.getElementType().isF32())
    unsupported("DFT of an element type other than f32");
  int64_t axis = intAttr("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 1 || axis > rank - 2)
    failNode("DFT's axis must be a signal dimension");
  bool inverse = intAttr("inverse", 0) != 0;
  bool onesided = intAttr("onesided", 0) != 0;
  if (inverse && onesided)
    failNode("DFT cannot be inverse and onesided");
  if (onesided && parts == 2)
    failNode("a onesided DFT needs a real input");
  int64_t n = xt.getDimSize(axis);
  int64_t length =
      hasInput(1) ? int64_t(constantScalar(1, "DFT's dft_length")) : n;
  if (length < 1 || length > (int64_t(1) << 16))
    failNode("DFT's dft_length must be between 1 and 2^16");
  int64_t bins = onesided ? length / 2 + 1 : length;
  // The signal axis and the complex parts last, everything else flattened
  // into rows: [rows, used * parts] x [used * parts, bins * 2]. Samples past
  // dft_length are cut; missing ones are zeros (no rows of the basis).
  int64_t used = std::min(n, length);
  Value x = input(0);
  if (used < n) {
    SmallVector<int64_t> size(xt.getShape());
    size[axis] = used;
    x = tosa::SliceOp::create(
        b, loc, RankedTensorType::get(size, xt.getElementType()), x,
        shapeValue(SmallVector<int64_t>(rank, 0)), shapeValue(size));
  }
  SmallVector<int32_t> perm;
  for (int64_t d = 0; d < rank - 1; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  perm.push_back(rank - 1);
  x = transpose(x, perm);
  int64_t rows = xt.getNumElements() / (n * parts);
  int64_t k = used * parts;
  // Forward: (re + i im)(cos - i sin); inverse: (re + i im)(cos + i sin)
  // / dft_length.
  SmallVector<float> basis(k * bins * 2);
  double sign = inverse ? 1.0 : -1.0, scale = inverse ? 1.0 / length : 1.0;
  for (int64_t t = 0; t < used; ++t)
    for (int64_t f = 0; f < bins; ++f) {
      double angle = 2 * M_PI * double((f * t) % length) / double(length);
      double c = std::cos(angle) * scale, sn = sign * std::sin(angle) * scale;
      // Row (t, re): re * c into the real part, re * sn into the imaginary.
      basis[(t * parts) * bins * 2 + f * 2] = float(c);
      basis[(t * parts) * bins * 2 + f * 2 + 1] = float(sn);
      if (parts == 2) {
        // Row (t, im): i im (c + i sn) = -im * sn + i im * c.
        basis[(t * parts + 1) * bins * 2 + f * 2] = float(-sn);
        basis[(t * parts + 1) * bins * 2 + f * 2 + 1] = float(c);
      }
    }
  auto zpType = RankedTensorType::get({1}, b.getF32Type());
  Value zp = tosa::ConstOp::create(b, loc, zpType,
                                   DenseElementsAttr::get(zpType, 0.0f));
  Value r = tosa::MatMulOp::create(
      b, loc, RankedTensorType::get({1, rows, bins * 2}, b.getF32Type()),
      reshape(x, {1, rows, k}), constF32({1, k, bins * 2}, basis), zp, zp);
  // Back to the input's order with the axis holding the bins.
  SmallVector<int64_t> moved;
  for (int32_t d : perm)
    moved.push_back(d == axis ? bins : xt.getDimSize(d));
  moved.back() = 2;
  r = reshape(r, moved);
  SmallVector<int32_t> inversePerm(rank);
  for (int64_t d = 0; d < rank; ++d)
    inversePerm[perm[d]] = d;
  setOutput(transpose(r, inversePerm));
}

void Importer::importEinsum() {
  std::string eq;
  for (char ch : stringAttr("equation", ""))
    if (ch != ' ')
      eq += ch;
  if (eq.find("...") != std::string::npos)
    unsupported("Einsum with an ellipsis");
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  SmallVector<std::string> terms;
  for (StringRef t : llvm::split(StringRef(lhs), ','))
    terms.push_back(t.str());
  int64_t n = numInputs();
  if (static_cast<int64_t>(terms.size()) != n)
    failNode("Einsum's equation names " + Twine(terms.size()) +
             " operands, the node has " + Twine(n));
  if (n < 1 || n > 2)
    unsupported("Einsum of more than two operands");
  // Each label's size; an operand's labels are letters, each once.
  std::map<char, int64_t> size, count;
  for (int64_t i = 0; i < n; ++i) {
    RankedTensorType t = inputType(i);
    if (!t.getElementType().isF32())
      unsupported("Einsum of an element type other than f32");
    if (static_cast<int64_t>(terms[i].size()) != t.getRank())
      failNode("Einsum's term '" + terms[i] +
               "' does not match the rank of "
               "its operand");
    for (auto [d, c] : llvm::enumerate(terms[i])) {
      if (!std::isalpha(static_cast<unsigned char>(c)))
        failNode("Einsum's labels must be letters");
      if (llvm::count(terms[i], c) > 1)
        unsupported("Einsum with a label repeated in one operand (a "
                    "diagonal)");
      auto [it, fresh] = size.insert({c, t.getDimSize(d)});
      if (!fresh && it->second != t.getDimSize(d))
        failNode("Einsum's label '" + Twine(c) + "' has two sizes");
      ++count[c];
    }
  }
  // Implicit output: the labels seen once, in alphabetical order.
  std::string out;
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
  } else {
    for (auto [c, k] : count)
      if (k == 1)
        out += c;
  }
  for (char c : out)
    if (!size.count(c) || llvm::count(out, c) > 1)
      failNode("Einsum's output label '" + Twine(c) +
               "' is not an input label or repeats");
  auto inOut = [&](char c) { return out.find(c) != std::string::npos; };
  // Labels of one operand that neither the output nor the other operand
  // has are summed out first.
  SmallVector<Value> ops;
  for (int64_t i = 0; i < n; ++i) {
    Value v = input(i);
    std::string kept;
    SmallVector<int64_t> shape;
    for (auto [d, c] : llvm::enumerate(terms[i])) {
      bool other = n == 2 && terms[1 - i].find(c) != std::string::npos;
      if (inOut(c) || other) {
        kept += c;
        shape.push_back(size[c]);
        continue;
      }
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> reduced(t.getShape());
      reduced[d] = 1;
      v = tosa::ReduceSumOp::create(b, loc, t.clone(reduced), v,
                                    b.getI32IntegerAttr(d));
    }
    terms[i] = kept;
    ops.push_back(reshape(v, shape));
  }
  // Order `v` (labels `have`) as `want`.
  auto order = [&](Value v, StringRef have, StringRef want) {
    SmallVector<int32_t> perm;
    for (char c : want)
      perm.push_back(have.find(c));
    return llvm::equal(perm, llvm::seq<int32_t>(0, perm.size()))
               ? v
               : transpose(v, perm);
  };
  auto product = [&](StringRef labels) {
    int64_t p = 1;
    for (char c : labels)
      p *= size[c];
    return p;
  };
  Value r;
  std::string rLabels;
  if (n == 1) {
    r = ops[0];
    rLabels = terms[0];
  } else {
    // [batch, freeA, contracted] x [batch, contracted, freeB].
    std::string batch, freeA, freeB, contracted;
    for (char c : terms[0]) {
      bool inB = terms[1].find(c) != std::string::npos;
      (inB ? (inOut(c) ? batch : contracted) : freeA) += c;
    }
    for (char c : terms[1])
      if (terms[0].find(c) == std::string::npos)
        freeB += c;
    Value a = order(ops[0], terms[0], batch + freeA + contracted);
    Value c = order(ops[1], terms[1], batch + contracted + freeB);
    int64_t bs = product(batch), m = product(freeA), k = product(contracted),
            nn = product(freeB);
    auto zpType = RankedTensorType::get({1}, b.getF32Type());
    Value zp = tosa::ConstOp::create(b, loc, zpType,
                                     DenseElementsAttr::get(zpType, 0.0f));
    r = tosa::MatMulOp::create(
        b, loc, RankedTensorType::get({bs, m, nn}, b.getF32Type()),
        reshape(a, {bs, m, k}), reshape(c, {bs, k, nn}), zp, zp);
    rLabels = batch + freeA + freeB;
    SmallVector<int64_t> shape;
    for (char ch : rLabels)
      shape.push_back(size[ch]);
    r = reshape(r, shape);
  }
  setOutput(order(r, rLabels, out));
}

void Importer::importTopK() {
  RankedTensorType type = inputType(0);
  if (!type.getElementType().isF32())
    unsupported("TopK of an element type other than f32");
  int64_t rank = type.getRank();
  if (rank < 1)
    failNode("TopK needs an input of rank 1 or more");
  int64_t axis = normAxis(intAttr("axis", -1), rank);
  double kValue =
      opset < 10 ? double(intAttr("k", 0)) : constantScalar(1, "TopK's K");
  int64_t n = type.getDimSize(axis);
  if (kValue < 0 || kValue > double(n))
    failNode("TopK's K must lie between 0 and the axis size");
  int64_t k = int64_t(kValue);
  if (k == 0)
    unsupported("a TopK of no elements (TOSA has no tensor with no "
                "elements)");
  if (k > 64)
    unsupported("TopK of more than 64 elements (one reduction round each)");
  if (node->output_size() != 2)
    failNode("TopK has two outputs");
  bool largest = opset < 11 || intAttr("largest", 1) != 0;
  // The smallest: the largest of -x (negation is exact, ties stay ties).
  Value v = input(0);
  if (!largest)
    v = tosa::NegateOp::create(b, loc, type, v);
  SmallVector<int64_t> keep(type.getShape()), iotaShape(rank, 1);
  keep[axis] = 1;
  iotaShape[axis] = n;
  auto iotaType = RankedTensorType::get(iotaShape, b.getI32Type());
  SmallVector<int32_t> positionsAlong =
      llvm::to_vector(llvm::seq<int32_t>(0, n));
  Value iota = tosa::ConstOp::create(
      b, loc, iotaType,
      DenseElementsAttr::get(iotaType, ArrayRef<int32_t>(positionsAlong)));
  // `taken` (1.0 where an earlier round picked the position) stays f32, and
  // every comparison lives inside one elementwise loop: no i1 tensor is
  // kept in memory. Round r: the maximum m of the keys, then the first
  // position not taken whose key is m (ONNX's order for ties), marked taken;
  // its value is read back from the input. Keys are the values with -inf
  // raised to the lowest finite float, which the taken positions' -inf
  // stays below (TOSA's max reduction starts from the lowest finite float:
  // a row of -inf would have no position equal to its maximum).
  Value taken = splat(b.getF32Type(), 0.0, rank);
  SmallVector<Value> values, indices;
  auto f32 = b.getF32Type();
  for (int64_t r = 0; r < k; ++r) {
    Value key = elementwise(
        {v, taken}, f32, [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value isTaken = arith::CmpFOp::create(
              nb, nl, arith::CmpFPredicate::ONE, a[1],
              arith::ConstantFloatOp::create(nb, nl, nb.getF32Type(),
                                             APFloat(0.0f)));
          Value negInf = arith::ConstantFloatOp::create(
              nb, nl, nb.getF32Type(),
              APFloat::getInf(APFloat::IEEEsingle(),
                              /*Negative=*/true));
          Value lowest = arith::ConstantFloatOp::create(
              nb, nl, nb.getF32Type(),
              APFloat::getLargest(APFloat::IEEEsingle(), /*Negative=*/true));
          Value raised = arith::MaximumFOp::create(nb, nl, a[0], lowest);
          return arith::SelectOp::create(nb, nl, isTaken, negInf, raised)
              .getResult();
        });
    Value max = tosa::ReduceMaxOp::create(b, loc, type.clone(keep), key,
                                          b.getI32IntegerAttr(axis));
    Value candidate = elementwise(
        {key, max, taken}, f32, [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value zero = arith::ConstantFloatOp::create(nb, nl, nb.getF32Type(),
                                                      APFloat(0.0f));
          Value one = arith::ConstantFloatOp::create(nb, nl, nb.getF32Type(),
                                                     APFloat(1.0f));
          Value equal = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OEQ,
                                              a[0], a[1]);
          Value free = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OEQ,
                                             a[2], zero);
          return arith::SelectOp::create(
                     nb, nl, arith::AndIOp::create(nb, nl, equal, free), one,
                     zero)
              .getResult();
        });
    SmallVector<int64_t> reduced;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        reduced.push_back(type.getDimSize(d));
    Value idx =
        reshape(tosa::ArgMaxOp::create(
                    b, loc, RankedTensorType::get(reduced, b.getI32Type()),
                    candidate, b.getI32IntegerAttr(axis)),
                keep);
    // The value at idx: a sum of one element (exact, -inf included).
    Value picked = elementwise(
        {v, iota, idx}, f32, [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value hit = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                            a[1], a[2]);
          Value zero = arith::ConstantFloatOp::create(nb, nl, nb.getF32Type(),
                                                      APFloat(0.0f));
          return arith::SelectOp::create(nb, nl, hit, a[0], zero).getResult();
        });
    values.push_back(tosa::ReduceSumOp::create(b, loc, type.clone(keep), picked,
                                               b.getI32IntegerAttr(axis)));
    indices.push_back(idx);
    if (r + 1 < k)
      taken = elementwise(
          {taken, iota, idx}, f32,
          [&](OpBuilder &nb, Location nl, ValueRange a) {
            Value hit = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                              a[1], a[2]);
            Value one = arith::ConstantFloatOp::create(nb, nl, nb.getF32Type(),
                                                       APFloat(1.0f));
            return arith::SelectOp::create(nb, nl, hit, one, a[0]).getResult();
          });
  }
  SmallVector<int64_t> outShape(type.getShape());
  outShape[axis] = k;
  auto concat = [&](ArrayRef<Value> parts, Type elem) -> Value {
    if (parts.size() == 1)
      return parts.front();
    return tosa::ConcatOp::create(b, loc, RankedTensorType::get(outShape, elem),
                                  parts, b.getI32IntegerAttr(axis));
  };
  Value top = concat(values, f32);
  if (!largest)
    top = tosa::NegateOp::create(b, loc, top.getType(), top);
  Value positions =
      elementwise({concat(indices, b.getI32Type())}, b.getI64Type(),
                  [&](OpBuilder &nb, Location nl, ValueRange a) {
                    return arith::ExtSIOp::create(nb, nl, nb.getI64Type(), a[0])
                        .getResult();
                  });
  setOutput(top, 0);
  setOutput(positions, 1);
}

void Importer::importConstantOfShape() {
  if (!constantInput(0))
    unsupported("the shape input that is not a constant (it must be)");
  RankedTensorType out = outputType();
  DenseElementsAttr value;
  if (const onnx::AttributeProto *a = attr("value")) {
    DenseElementsAttr v = tensorAttr(a->t());
    if (v.getNumElements() != 1)
      failNode("ConstantOfShape's value must have one element");
    value = v;
  }
  Attribute scalar = value ? value.getSplatValue<Attribute>()
                           : b.getZeroAttr(out.getElementType());
  if (out.getNumElements() == 0)
    unsupported("a tensor with no elements");
  setOutput(
      tosa::ConstOp::create(b, loc, out, DenseElementsAttr::get(out, scalar)));
  if (const onnx::AttributeProto *a = attr("value");
      a && a->t().data_type() == onnx::TensorProto::BOOL)
    boolValues.insert(node->output(0));
}

void Importer::importMod() {
  Type elem = inputType(0).getElementType();
  if (elem != inputType(1).getElementType())
    unsupported("operands of different element types");
  bool fmod = intAttr("fmod", 0) != 0;
  if (isa<FloatType>(elem) && !fmod)
    failNode("Mod of floats needs fmod = 1");
  if (!elem.isF32() && !elem.isInteger(32) && !elem.isInteger(64))
    unsupported("Mod of this element type (f32, i32, i64 are supported)");
  Value r = elementwise(
      {input(0), input(1)}, elem,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        if (isa<FloatType>(elem))
          return arith::RemFOp::create(nb, nl, a[0], a[1]);
        // A divisor of 0 (undefined in ONNX) gives 0 and -1 gives 0 without
        // dividing: the x86 division traps on both (0, INT_MIN / -1).
        Value zero = arith::ConstantOp::create(nb, nl, nb.getZeroAttr(elem));
        Value one =
            arith::ConstantOp::create(nb, nl, nb.getIntegerAttr(elem, 1));
        Value minusOne =
            arith::ConstantOp::create(nb, nl, nb.getIntegerAttr(elem, -1));
        Value trivial = arith::OrIOp::create(
            nb, nl,
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, a[1], zero),
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, a[1],
                                  minusOne));
        Value divisor = arith::SelectOp::create(nb, nl, trivial, one, a[1]);
        Value rem = arith::SelectOp::create(
            nb, nl, trivial, zero,
            arith::RemSIOp::create(nb, nl, a[0], divisor));
        if (fmod)
          return rem;
        // Python's mod takes the divisor's sign: add it where the
        // remainder is non-zero and of the other sign.
        Value nonZero =
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ne, rem, zero);
        Value remNeg =
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, rem, zero);
        Value divNeg = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt,
                                             a[1], zero);
        Value differ = arith::XOrIOp::create(nb, nl, remNeg, divNeg);
        Value fix = arith::AndIOp::create(nb, nl, nonZero, differ);
        return arith::SelectOp::create(
            nb, nl, fix, arith::AddIOp::create(nb, nl, rem, a[1]), rem);
      });
  setOutput(reshape(r, outputType().getShape()));
}

void Importer::importGather(bool elements) {
  Value data = input(0), indices = input(1);
  auto dt = cast<RankedTensorType>(data.getType());
  auto it = cast<RankedTensorType>(indices.getType());
  if (!it.getElementType().isInteger(64) && !it.getElementType().isInteger(32))
    failNode("indices must be int32 or int64");
  int64_t rank = dt.getRank();
  int64_t axis = normAxis(intAttr("axis", 0), rank);
  RankedTensorType out = outputType();
  if (out.getNumElements() == 0)
    unsupported("a tensor with no elements");
  if (elements && it.getRank() != rank)
    failNode("GatherElements' indices must have the data's rank");
  // One loop over the output; each element reads the data at the indexed
  // position (negative indices count from the end; out-of-range indices
  // are the model's error, clamped here so the read stays in bounds).
  int64_t outRank = out.getRank();
  SmallVector<AffineExpr> idxExprs;
  if (elements) {
    for (int64_t d = 0; d < outRank; ++d)
      idxExprs.push_back(b.getAffineDimExpr(d));
  } else {
    for (int64_t d = 0; d < it.getRank(); ++d)
      idxExprs.push_back(b.getAffineDimExpr(axis + d));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(outRank, 0, idxExprs, ctx),
                                 b.getMultiDimIdentityMap(outRank)};
  Value init =
      tensor::EmptyOp::create(b, loc, out.getShape(), dt.getElementType());
  int64_t n = dt.getDimSize(axis);
  Value r =
      linalg::GenericOp::create(
          b, loc, out.clone(dt.getElementType()), ValueRange{indices},
          ValueRange{init}, maps,
          SmallVector<utils::IteratorType>(outRank,
                                           utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value i =
                arith::IndexCastOp::create(nb, nl, nb.getIndexType(), args[0]);
            Value size = arith::ConstantIndexOp::create(nb, nl, n);
            Value zero = arith::ConstantIndexOp::create(nb, nl, 0);
            Value neg = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt,
                                              i, zero);
            i = arith::SelectOp::create(
                nb, nl, neg, arith::AddIOp::create(nb, nl, i, size), i);
            i = arith::MaxSIOp::create(nb, nl, i, zero);
            i = arith::MinSIOp::create(
                nb, nl, i,
                arith::ConstantIndexOp::create(nb, nl,
                                               std::max<int64_t>(n - 1, 0)));
            SmallVector<Value> pos;
            for (int64_t d = 0; d < rank; ++d) {
              if (d == axis) {
                pos.push_back(i);
              } else if (elements) {
                pos.push_back(linalg::IndexOp::create(nb, nl, d));
              } else {
                int64_t od = d < axis ? d : d + it.getRank() - 1;
                pos.push_back(linalg::IndexOp::create(nb, nl, od));
              }
            }
            linalg::YieldOp::create(
                nb, nl,
                tensor::ExtractOp::create(nb, nl, data, pos).getResult());
          })
          .getResult(0);
  setOutput(r);
  if (isBoolInput(0))
    boolValues.insert(node->output(0));
}

void Importer::importDepthToSpace(bool toSpace) {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() != 4)
    failNode("the input must be 4-D (NCHW)");
  int64_t bs = intAttr("blocksize", 0);
  if (bs < 1)
    failNode("blocksize must be positive");
  int64_t N = type.getDimSize(0), C = type.getDimSize(1),
          H = type.getDimSize(2), W = type.getDimSize(3);
  Value r;
  if (toSpace) { // DepthToSpace
    if (C % (bs * bs))
      failNode("channels not divisible by blocksize^2");
    int64_t c = C / (bs * bs);
    bool crd = stringAttr("mode", "DCR") == "CRD";
    if (crd) {
      r = reshape(x, {N, c, bs, bs, H, W});
      r = transpose(r, {0, 1, 4, 2, 5, 3});
    } else {
      r = reshape(x, {N, bs, bs, c, H, W});
      r = transpose(r, {0, 3, 4, 1, 5, 2});
    }
    r = reshape(r, {N, c, H * bs, W * bs});
  } else { // SpaceToDepth
    if (H % bs || W % bs)
      failNode("spatial size not divisible by blocksize");
    r = reshape(x, {N, C, H / bs, bs, W / bs, bs});
    r = transpose(r, {0, 3, 5, 1, 2, 4});
    r = reshape(r, {N, C * bs * bs, H / bs, W / bs});
  }
  setOutput(r);
}

void Importer::importHardmax() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.getElementType().isF32())
    unsupported("only f32 Hardmax is supported");
  int64_t rank = type.getRank();
  int64_t axis = normAxis(intAttr("axis", opset < 13 ? 1 : -1), rank);
  // Before opset 13, over all trailing dimensions (the input seen as 2-D).
  Value flat = x;
  if (opset < 13) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < axis ? outer : inner) *= type.getDimSize(d);
    flat = reshape(x, {outer, inner});
    axis = 1;
  }
  auto ft = cast<RankedTensorType>(flat.getType());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < ft.getRank(); ++d)
    if (d != axis)
      shape.push_back(ft.getDimSize(d));
  // One at the first maximum along the axis.
  Value idx = tosa::ArgMaxOp::create(
      b, loc, RankedTensorType::get(shape, b.getI32Type()), flat,
      b.getI32IntegerAttr(axis));
  SmallVector<int64_t> keep(ft.getShape());
  keep[axis] = 1;
  idx = reshape(idx, keep);
  int64_t axisDim = axis;
  Value r = elementwise(
      {flat, idx}, b.getF32Type(),
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value pos = arith::IndexCastOp::create(
            nb, nl, nb.getI32Type(), linalg::IndexOp::create(nb, nl, axisDim));
        Value hit =
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, pos, a[1]);
        return arith::UIToFPOp::create(nb, nl, nb.getF32Type(), hit)
            .getResult();
      });
  setOutput(reshape(r, type.getShape()));
}

void Importer::importCumSum() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  Type elem = type.getElementType();
  if (!elem.isF32() && !elem.isF64() && !elem.isInteger(32) &&
      !elem.isInteger(64))
    unsupported(
        "CumSum of this element type (f32, f64, i32, i64 are supported)");
  SmallVector<int64_t> axisValues = constantInts(1);
  if (axisValues.size() != 1)
    failNode("CumSum's axis must be a single integer");
  int64_t rank = type.getRank();
  int64_t axis = normAxis(axisValues[0], rank);
  bool exclusive = intAttr("exclusive", 0) != 0;
  bool reverse = intAttr("reverse", 0) != 0;
  if (type.getNumElements() == 0)
    unsupported("a tensor with no elements");
  // out[.., i, ..] = sum over j of x[.., j, ..] where j <= i (exclusive:
  // j < i; reverse: j >= i, j > i): one reduction loop j beside the output's
  // loops, O(n^2) along the axis.
  SmallVector<AffineExpr> inExprs, outExprs;
  for (int64_t d = 0; d < rank; ++d) {
    inExprs.push_back(b.getAffineDimExpr(d == axis ? rank : d));
    outExprs.push_back(b.getAffineDimExpr(d));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(rank + 1, 0, inExprs, ctx),
                                 AffineMap::get(rank + 1, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
  Value init =
      linalg::FillOp::create(
          b, loc, zero,
          ValueRange{tensor::EmptyOp::create(b, loc, type.getShape(), elem)})
          .getResult(0);
  Value r =
      linalg::GenericOp::create(
          b, loc, type, ValueRange{x}, ValueRange{init}, maps, iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value i = linalg::IndexOp::create(nb, nl, axis);
            Value j = linalg::IndexOp::create(nb, nl, rank);
            arith::CmpIPredicate p =
                reverse ? (exclusive ? arith::CmpIPredicate::ugt
                                     : arith::CmpIPredicate::uge)
                        : (exclusive ? arith::CmpIPredicate::ult
                                     : arith::CmpIPredicate::ule);
            Value take = arith::CmpIOp::create(nb, nl, p, j, i);
            Value z = arith::ConstantOp::create(nb, nl, nb.getZeroAttr(elem));
            Value v = arith::SelectOp::create(nb, nl, take, args[0], z);
            Value sum = isa<FloatType>(elem)
                            ? Value(arith::AddFOp::create(nb, nl, args[1], v))
                            : Value(arith::AddIOp::create(nb, nl, args[1], v));
            linalg::YieldOp::create(nb, nl, sum);
          })
          .getResult(0);
  setOutput(r);
}

void Importer::importRecurrent(StringRef op) {
  // RNN, GRU and LSTM unrolled over their static sequence: the input
  // projections of all steps in one matmul per direction, then per step the
  // recurrent matmul and the gates (ONNX's gate orders: GRU z r h, LSTM
  // i o f c).
  Value X = input(0), W = input(1), R = input(2);
  auto xt = cast<RankedTensorType>(X.getType());
  if (!xt.getElementType().isF32())
    unsupported("only f32 " + op + " is supported");
  if (xt.getRank() != 3)
    failNode("X must be 3-D");
  bool batchFirst = intAttr("layout", 0) != 0;
  if (batchFirst)
    X = transpose(X, {1, 0, 2});
  xt = cast<RankedTensorType>(X.getType());
  int64_t seq = xt.getDimSize(0), batch = xt.getDimSize(1),
          inSize = xt.getDimSize(2);
  int64_t H = intAttr("hidden_size", 0);
  std::string direction = stringAttr("direction", "forward");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  if (direction != "forward" && direction != "reverse" && dirs != 2)
    failNode("unknown direction '" + direction + "'");
  int64_t G = op == "LSTM" ? 4 : op == "GRU" ? 3 : 1;
  auto wt = cast<RankedTensorType>(W.getType());
  if (H <= 0 && wt.getRank() == 3)
    H = wt.getDimSize(1) / G;
  if (wt.getRank() != 3 || wt.getDimSize(0) != dirs ||
      wt.getDimSize(1) != G * H || wt.getDimSize(2) != inSize)
    failNode("W must be [" + Twine(dirs) + ", " + Twine(G * H) + ", " +
             Twine(inSize) + "]");
  if (seq == 0 || batch == 0)
    unsupported("an empty sequence or batch");
  if (hasInput(4)) { // sequence_lens: only the full length
    auto lens = constantIntValues(4);
    if (!lens || llvm::any_of(*lens, [&](int64_t l) { return l != seq; }))
      unsupported("sequence_lens shorter than the sequence (or not "
                  "constant)");
  }
  if (attr("activation_alpha") || attr("activation_beta"))
    unsupported("activation_alpha/activation_beta");
  if (op == "LSTM" && intAttr("input_forget", 0))
    unsupported("input_forget = 1");
  bool hasClip = attr("clip") != nullptr;
  float clipValue = floatAttr("clip", 0.0f);
  bool linearBeforeReset = intAttr("linear_before_reset", 0) != 0;
  // Activations per direction: f (gates), g (candidate), h (LSTM output).
  SmallVector<std::string> acts;
  if (const onnx::AttributeProto *a = attr("activations"))
    for (const auto &name : a->strings())
      acts.push_back(name);
  int64_t perDir = op == "LSTM" ? 3 : op == "GRU" ? 2 : 1;
  if (acts.empty()) {
    for (int64_t d = 0; d < dirs; ++d) {
      if (op == "RNN")
        acts.push_back("Tanh");
      else
        acts.append({"Sigmoid", "Tanh"});
      if (op == "LSTM")
        acts.push_back("Tanh");
    }
  }
  if ((int64_t)acts.size() != perDir * dirs)
    failNode("expected " + Twine(perDir * dirs) + " activations");
  for (const std::string &a : acts)
    if (a != "Sigmoid" && a != "Tanh" && a != "Relu")
      unsupported("activation '" + a + "'");

  auto f32 = b.getF32Type();
  auto type2 = [&](int64_t r, int64_t c) {
    return RankedTensorType::get({r, c}, f32);
  };
  auto zpType = RankedTensorType::get({1}, f32);
  Value zp = tosa::ConstOp::create(b, loc, zpType,
                                   DenseElementsAttr::get(zpType, 0.0f));
  auto matmul = [&](Value a, Value c) -> Value {
    auto at = cast<RankedTensorType>(a.getType());
    auto ct = cast<RankedTensorType>(c.getType());
    int64_t m = at.getDimSize(0), k = at.getDimSize(1), n = ct.getDimSize(1);
    Value r = tosa::MatMulOp::create(
        b, loc, RankedTensorType::get({1, m, n}, f32), reshape(a, {1, m, k}),
        reshape(c, {1, k, n}), zp, zp);
    return reshape(r, {m, n});
  };
  auto add = [&](Value a, Value c) -> Value {
    auto [x, y] = broadcastPair(a, c);
    return tosa::AddOp::create(b, loc, x.getType(), x, y);
  };
  auto sub = [&](Value a, Value c) -> Value {
    auto [x, y] = broadcastPair(a, c);
    return tosa::SubOp::create(b, loc, x.getType(), x, y);
  };
  auto cols = [&](Value v, int64_t start, int64_t size) -> Value {
    auto t = cast<RankedTensorType>(v.getType());
    int64_t rows = t.getDimSize(0);
    return tosa::SliceOp::create(b, loc, type2(rows, size), v,
                                 shapeValue({0, start}),
                                 shapeValue({rows, size}));
  };
  auto activate = [&](Value v, StringRef name) -> Value {
    if (hasClip)
      v = clamp(v, -clipValue, clipValue);
    if (name == "Sigmoid")
      return tosa::SigmoidOp::create(b, loc, v.getType(), v);
    if (name == "Tanh")
      return tosa::TanhOp::create(b, loc, v.getType(), v);
    return clamp(v, 0.0f, std::numeric_limits<float>::max());
  };
  // The clip applies to the gate inputs only: h and the LSTM's output
  // activation take the cell unclipped.
  auto apply = [&](Value v, StringRef name) -> Value {
    if (name == "Sigmoid")
      return tosa::SigmoidOp::create(b, loc, v.getType(), v);
    if (name == "Tanh")
      return tosa::TanhOp::create(b, loc, v.getType(), v);
    return clamp(v, 0.0f, std::numeric_limits<float>::max());
  };
  // [dirs, r, c] -> direction d as [r, c].
  auto pick = [&](Value v, int64_t d) -> Value {
    auto t = cast<RankedTensorType>(v.getType());
    int64_t r = t.getDimSize(1), c = t.getDimSize(2);
    Value s =
        tosa::SliceOp::create(b, loc, RankedTensorType::get({1, r, c}, f32), v,
                              shapeValue({d, 0, 0}), shapeValue({1, r, c}));
    return reshape(s, {r, c});
  };
  auto zeros = [&](int64_t r, int64_t c) -> Value {
    auto t = type2(r, c);
    return tosa::ConstOp::create(b, loc, t, DenseElementsAttr::get(t, 0.0f));
  };
  Value Bias = hasInput(3) ? input(3) : Value();
  Value initH = hasInput(5) ? input(5) : Value();
  Value initC = op == "LSTM" && hasInput(6) ? input(6) : Value();
  Value P = op == "LSTM" && hasInput(7) ? input(7) : Value();
  if (batchFirst) {
    if (initH)
      initH = transpose(initH, {1, 0, 2});
    if (initC)
      initC = transpose(initC, {1, 0, 2});
  }
  Value X2 = reshape(X, {seq * batch, inSize});
  // Per direction: hidden states by time step, last hidden and cell.
  SmallVector<SmallVector<Value>> hs(dirs, SmallVector<Value>(seq));
  SmallVector<Value> lastH(dirs), lastC(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    StringRef fAct = acts[d * perDir],
              gAct = op == "RNN" ? fAct : StringRef(acts[d * perDir + 1]);
    StringRef hAct = op == "LSTM" ? StringRef(acts[d * perDir + 2]) : gAct;
    Value Wt = transpose(pick(W, d), {1, 0}); // [in, G H]
    Value Rt = transpose(pick(R, d), {1, 0}); // [H, G H]
    Value XW = matmul(X2, Wt);                // [seq batch, G H]
    Value Wb, Rb;
    if (Bias) {
      Value bd =
          reshape(pick(reshape(Bias, {dirs, 1, 2 * G * H}), d), {1, 2 * G * H});
      Wb = cols(bd, 0, G * H);
      Rb = cols(bd, G * H, G * H);
      XW = add(XW, Wb);
    }
    Value h = initH ? pick(initH, d) : zeros(batch, H);
    Value c = initC ? pick(initC, d) : zeros(batch, H);
    Value Pi, Po, Pf;
    if (P) {
      Value pd = reshape(pick(reshape(P, {dirs, 1, 3 * H}), d), {1, 3 * H});
      Pi = cols(pd, 0, H), Po = cols(pd, H, H), Pf = cols(pd, 2 * H, H);
    }
    for (int64_t step = 0; step < seq; ++step) {
      int64_t t = reverse ? seq - 1 - step : step;
      Value xw = tosa::SliceOp::create(b, loc, type2(batch, G * H), XW,
                                       shapeValue({t * batch, 0}),
                                       shapeValue({batch, G * H}));
      if (op == "GRU") {
        Value Rzr = cols(Rt, 0, 2 * H), Rh = cols(Rt, 2 * H, H);
        Value hr = matmul(h, Rzr);
        if (Rb)
          hr = add(hr, cols(Rb, 0, 2 * H));
        Value zr = add(cols(xw, 0, 2 * H), hr);
        Value z = activate(cols(zr, 0, H), fAct);
        Value r = activate(cols(zr, H, H), fAct);
        Value cand;
        Value rbh = Rb ? cols(Rb, 2 * H, H) : Value();
        if (linearBeforeReset) {
          Value hh = matmul(h, Rh);
          if (rbh)
            hh = add(hh, rbh);
          cand = add(cols(xw, 2 * H, H), mul(r, hh));
        } else {
          Value hh = matmul(mul(r, h), Rh);
          if (rbh)
            hh = add(hh, rbh);
          cand = add(cols(xw, 2 * H, H), hh);
        }
        Value ht = activate(cand, gAct);
        // (1 - z) ht + z h = ht + z (h - ht)
        h = add(ht, mul(z, sub(h, ht)));
      } else {
        Value g = add(xw, matmul(h, Rt));
        if (Rb)
          g = add(g, Rb);
        if (op == "RNN") {
          h = activate(g, fAct);
        } else {
          Value gi = cols(g, 0, H), go = cols(g, H, H), gf = cols(g, 2 * H, H),
                gc = cols(g, 3 * H, H);
          if (P) {
            gi = add(gi, mul(Pi, c));
            gf = add(gf, mul(Pf, c));
          }
          Value i = activate(gi, fAct), f = activate(gf, fAct);
          Value cc = activate(gc, gAct);
          c = add(mul(f, c), mul(i, cc));
          if (P)
            go = add(go, mul(Po, c));
          Value o = activate(go, fAct);
          h = mul(o, apply(c, hAct));
        }
      }
      hs[d][t] = h;
    }
    lastH[d] = h;
    lastC[d] = c;
  }
  // Y [seq, dirs, batch, H], Y_h and Y_c [dirs, batch, H] (layout 1: batch
  // first).
  auto stackDirs = [&](ArrayRef<Value> perDirValues) -> Value {
    SmallVector<Value> parts;
    for (Value v : perDirValues)
      parts.push_back(reshape(v, {1, batch, H}));
    return parts.size() == 1
               ? parts[0]
               : Value(tosa::ConcatOp::create(
                     b, loc, RankedTensorType::get({dirs, batch, H}, f32),
                     parts, b.getI32IntegerAttr(0)));
  };
  auto outputUsed = [&](int64_t i) {
    return i < node->output_size() && !node->output(i).empty();
  };
  if (outputUsed(0)) {
    SmallVector<Value> steps;
    for (int64_t t = 0; t < seq; ++t) {
      SmallVector<Value> perDirValues;
      for (int64_t d = 0; d < dirs; ++d)
        perDirValues.push_back(hs[d][t]);
      steps.push_back(reshape(stackDirs(perDirValues), {1, dirs, batch, H}));
    }
    Value Y =
        steps.size() == 1
            ? steps[0]
            : Value(tosa::ConcatOp::create(
                  b, loc, RankedTensorType::get({seq, dirs, batch, H}, f32),
                  steps, b.getI32IntegerAttr(0)));
    if (batchFirst)
      Y = transpose(Y, {2, 0, 1, 3});
    setOutput(Y, 0);
  }
  if (outputUsed(1)) {
    Value Yh = stackDirs(lastH);
    setOutput(batchFirst ? transpose(Yh, {1, 0, 2}) : Yh, 1);
  }
  if (op == "LSTM" && outputUsed(2)) {
    Value Yc = stackDirs(lastC);
    setOutput(batchFirst ? transpose(Yc, {1, 0, 2}) : Yc, 2);
  }
}

void Importer::importSlice() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (outputType().getNumElements() == 0)
    unsupported("an empty slice (TOSA's slice has no empty result)");
  SmallVector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    starts = intsAttr("starts");
    ends = intsAttr("ends");
    axes = intsAttr("axes");
  } else {
    starts = constantInts(1);
    ends = constantInts(2);
    if (hasInput(3))
      axes = constantInts(3);
    if (hasInput(4))
      steps = constantInts(4);
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (starts.size() != axes.size() || ends.size() != axes.size() ||
      (!steps.empty() && steps.size() != axes.size()))
    failNode("starts, ends, axes and steps must have the same length");
  SmallVector<int64_t> begin(rank, 0), size(type.getShape());
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = normAxis(axes[i], rank);
    if (!steps.empty() && steps[i] != 1)
      unsupported("steps other than 1 are not supported");
    int64_t dim = type.getDimSize(a);
    int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    s = std::clamp<int64_t>(s, 0, dim);
    e = std::clamp<int64_t>(e, 0, dim);
    begin[a] = s;
    size[a] = std::max<int64_t>(0, e - s);
  }
  setOutput(tosa::SliceOp::create(b, loc, type.clone(size), x,
                                  shapeValue(begin), shapeValue(size)));
}

void Importer::importSplit() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  int64_t axis = normAxis(intAttr("axis", 0), type.getRank());
  int64_t offset = 0;
  for (int64_t i = 0; i < node->output_size(); ++i) {
    RankedTensorType out = outputType(i);
    if (out.getNumElements() == 0)
      unsupported("empty outputs");
    // The (declared) output shapes must be slices of the input.
    if (out.getRank() != type.getRank())
      failNode("output " + Twine(i) + " has rank " + Twine(out.getRank()) +
               ", the input rank " + Twine(type.getRank()));
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (d != axis && out.getDimSize(d) != type.getDimSize(d))
        failNode("output " + Twine(i) + " has size " +
                 Twine(out.getDimSize(d)) + " in dimension " + Twine(d) +
                 ", the input " + Twine(type.getDimSize(d)));
    if (offset + out.getDimSize(axis) > type.getDimSize(axis))
      failNode("the outputs are longer than the input along axis " +
               Twine(axis) + " (" + Twine(type.getDimSize(axis)) + ")");
    SmallVector<int64_t> begin(type.getRank(), 0);
    begin[axis] = offset;
    offset += out.getDimSize(axis);
    setOutput(tosa::SliceOp::create(b, loc, out, x, shapeValue(begin),
                                    shapeValue(out.getShape())),
              i);
  }
}

void Importer::importPad() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  std::string mode = stringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    failNode("unknown padding mode '" + mode + "'");
  SmallVector<int64_t> pads = opset < 11 ? intsAttr("pads") : constantInts(1);
  double value = 0.0;
  if (opset < 11)
    value = floatAttr("value", 0.0f);
  else if (hasInput(2) && mode == "constant")
    value = scalarFloat(2);
  if (hasInput(3))
    unsupported("the axes input of Pad is not supported");
  int64_t rank = type.getRank();
  if ((int64_t)pads.size() != 2 * rank)
    failNode("pads must have 2 * rank entries");
  SmallVector<int64_t> tosaPadding;
  for (int64_t d = 0; d < rank; ++d) {
    if (pads[d] < 0 || pads[d + rank] < 0)
      unsupported("negative padding is not supported");
    tosaPadding.append({pads[d], pads[d + rank]});
  }
  if (mode != "constant") {
    // reflect / edge: one loop over the output, each element read at its
    // mirrored (x[-i] = x[i], no edge repeat) or clamped input position.
    RankedTensorType out = outputType();
    if (type.getNumElements() == 0)
      unsupported("padding an empty tensor");
    for (int64_t d = 0; d < rank; ++d)
      if (mode == "reflect" && (pads[d] >= type.getDimSize(d) ||
                                pads[d + rank] >= type.getDimSize(d)))
        failNode("reflect padding must be smaller than the dimension");
    Value init =
        tensor::EmptyOp::create(b, loc, out.getShape(), type.getElementType());
    Value r =
        linalg::GenericOp::create(
            b, loc, out, ValueRange{}, ValueRange{init},
            SmallVector<AffineMap>{b.getMultiDimIdentityMap(rank)},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location nl, ValueRange) {
              SmallVector<Value> pos;
              for (int64_t d = 0; d < rank; ++d) {
                int64_t n = type.getDimSize(d);
                Value i = arith::SubIOp::create(
                    nb, nl, linalg::IndexOp::create(nb, nl, d),
                    arith::ConstantIndexOp::create(nb, nl, pads[d]));
                Value zero = arith::ConstantIndexOp::create(nb, nl, 0);
                Value last = arith::ConstantIndexOp::create(nb, nl, n - 1);
                if (mode == "reflect") {
                  // -i below 0, 2 (n - 1) - i past the end.
                  Value neg = arith::CmpIOp::create(
                      nb, nl, arith::CmpIPredicate::slt, i, zero);
                  i = arith::SelectOp::create(
                      nb, nl, neg, arith::SubIOp::create(nb, nl, zero, i), i);
                  Value past = arith::CmpIOp::create(
                      nb, nl, arith::CmpIPredicate::sgt, i, last);
                  i = arith::SelectOp::create(
                      nb, nl, past,
                      arith::SubIOp::create(
                          nb, nl,
                          arith::ConstantIndexOp::create(nb, nl, 2 * (n - 1)),
                          i),
                      i);
                }
                // edge (and a reflect of a size-1 dimension): clamp.
                i = arith::MaxSIOp::create(nb, nl, i, zero);
                i = arith::MinSIOp::create(nb, nl, i, last);
                pos.push_back(i);
              }
              linalg::YieldOp::create(
                  nb, nl,
                  tensor::ExtractOp::create(nb, nl, x, pos).getResult());
            })
            .getResult(0);
    return setOutput(r);
  }
  auto constType = RankedTensorType::get({1}, type.getElementType());
  Attribute padValue =
      isa<FloatType>(type.getElementType())
          ? Attribute(b.getFloatAttr(type.getElementType(), value))
          : Attribute(b.getIntegerAttr(type.getElementType(), int64_t(value)));
  Value padConst = tosa::ConstOp::create(
      b, loc, constType, DenseElementsAttr::get(constType, padValue));
  setOutput(tosa::PadOp::create(b, loc, outputType(), x,
                                shapeValue(tosaPadding), padConst));
}

void Importer::importLayerNorm() {
  Value x = input(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.getElementType().isF32())
    unsupported("only f32 LayerNormalization is supported");
  if (intAttr("stash_type", 1) != 1)
    unsupported("stash_type other than f32");
  int64_t rank = type.getRank();
  int64_t axis = normAxis(intAttr("axis", -1), rank);
  float eps = floatAttr("epsilon", 1e-5f);
  int64_t count = 1;
  SmallVector<int64_t> shape(type.getShape());
  Value sum = x;
  for (int64_t d = axis; d < rank; ++d) {
    count *= shape[d];
    shape[d] = 1;
    sum = tosa::ReduceSumOp::create(b, loc, type.clone(shape), sum,
                                    b.getI32IntegerAttr(d));
  }
  Value inv = splat(b.getF32Type(), 1.0 / double(count), rank);
  Value mean = mul(sum, inv);
  Value centered = tosa::SubOp::create(b, loc, type, x, mean);
  Value sq = mul(centered, centered);
  Value var = sq;
  SmallVector<int64_t> vshape(type.getShape());
  for (int64_t d = axis; d < rank; ++d) {
    vshape[d] = 1;
    var = tosa::ReduceSumOp::create(b, loc, type.clone(vshape), var,
                                    b.getI32IntegerAttr(d));
  }
  var = mul(var, inv);
  Value rstd = tosa::RsqrtOp::create(
      b, loc, var.getType(),
      tosa::AddOp::create(b, loc, var.getType(), var,
                          splat(b.getF32Type(), eps, rank)));
  Value r = mul(mul(centered, rstd), input(1));
  if (hasInput(2)) {
    auto [p, q] = broadcastPair(r, input(2));
    r = tosa::AddOp::create(b, loc, p.getType(), p, q);
  }
  setOutput(reshape(r, outputType(0).getShape()));
  // Optional Mean and InvStdDev outputs (shape: the input's, reduced to 1).
  if (node->output_size() > 1 && !node->output(1).empty())
    setOutput(reshape(mean, outputType(1).getShape()), 1);
  if (node->output_size() > 2 && !node->output(2).empty())
    setOutput(reshape(rstd, outputType(2).getShape()), 2);
}

//===----------------------------------------------------------------------===//
// Quantized ops
//===----------------------------------------------------------------------===//

void Importer::importQuantizeLinear(bool quantize) {
  Value x = input(0);
  auto xt = cast<RankedTensorType>(x.getType());
  if (quantize && hasInput(1) && (!constantInput(1) ||
                                  (hasInput(2) && !constantInput(2)))) {
    // Parameters computed at run time (per tensor only).
    if (!xt.getElementType().isF32())
      unsupported("only f32 inputs are quantized");
    Value scale = input(1);
    Value zp = hasInput(2) ? input(2) : Value();
    bool isUnsigned = !hasInput(2) || unsignedValues.contains(node->input(2));
    if (!zp) {
      auto zt = RankedTensorType::get({}, b.getI8Type());
      zp = tosa::ConstOp::create(b, loc, zt,
                                 DenseElementsAttr::get(zt, int8_t(0)));
    }
    Value y = qnn::QuantizeLinearOp::create(b, loc, xt.clone(b.getI8Type()),
                                            x, scale, zp, isUnsigned);
    if (isUnsigned)
      unsignedValues.insert(node->output(0));
    return setOutput(y);
  }
  SmallVector<double> scales = constantFloats(1);
  SmallVector<int64_t> zps;
  bool isUnsigned = true;
  if (hasInput(2)) {
    auto zpAttr = constantInput(2);
    if (!zpAttr)
      unsupported("the zero point that is not a constant (it must be)");
    zps = constantInts(2);
    auto it = constants.find(node->input(2));
    isUnsigned = it->second->data_type() == onnx::TensorProto::UINT8;
    if (it->second->data_type() != onnx::TensorProto::UINT8 &&
        it->second->data_type() != onnx::TensorProto::INT8)
      unsupported("only 8-bit zero points are supported");
  } else {
    zps.assign(scales.size(), 0);
    if (!quantize)
      isUnsigned = unsignedValues.contains(node->input(0));
  }
  if (scales.empty())
    failNode("the scale is empty");
  if (zps.size() == 1 && scales.size() > 1)
    zps.assign(scales.size(), zps[0]);
  if (zps.size() != scales.size())
    failNode("scale and zero point have different sizes");
  if (!quantize)
    isUnsigned = unsignedValues.contains(node->input(0)) || isUnsigned;
  for (int64_t &zp : zps)
    if (isUnsigned)
      zp = uint8_t(zp);
  unsigned flags = isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  int64_t qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
  Type storage = b.getI8Type();
  Type qtype;
  if (scales.size() == 1) {
    qtype = quant::UniformQuantizedType::get(flags, storage, b.getF32Type(),
                                             scales[0], zps[0], qmin, qmax);
  } else {
    int64_t axis = normAxis(intAttr("axis", 1), xt.getRank());
    if (xt.getDimSize(axis) != (int64_t)scales.size())
      failNode("axis " + Twine(axis) + " has " + Twine(xt.getDimSize(axis)) +
               " elements but there are " + Twine(scales.size()) + " scales");
    qtype = quant::UniformQuantizedPerAxisType::get(
        flags, storage, b.getF32Type(), scales, zps, axis, qmin, qmax);
  }
  for (double s : scales)
    if (!(s > 0.0) || !std::isfinite(s))
      failNode("scales must be positive and finite");
  if (quantize) {
    if (!xt.getElementType().isF32())
      unsupported("only f32 inputs are quantized");
    Value q = quant::QuantizeCastOp::create(b, loc, xt.clone(qtype), x);
    Value raw = quant::StorageCastOp::create(b, loc, xt.clone(storage), q);
    if (isUnsigned)
      unsignedValues.insert(node->output(0));
    setOutput(raw);
  } else {
    if (!xt.getElementType().isInteger(8))
      unsupported("only 8-bit inputs are dequantized");
    Value q = quant::StorageCastOp::create(b, loc, xt.clone(qtype), x);
    setOutput(quant::DequantizeCastOp::create(b, loc,
                                              xt.clone(b.getF32Type()), q));
  }
}


Type Importer::quantizedType(int64_t valueInput, int64_t scale, int64_t zp,
                             int64_t axis) {
  SmallVector<double> scales = constantFloats(scale);
  SmallVector<int64_t> zps = constantInts(zp);
  int32_t zpType = constants[node->input(zp)]->data_type();
  if (zpType != onnx::TensorProto::UINT8 && zpType != onnx::TensorProto::INT8)
    unsupported("zero points that are not 8-bit");
  bool isUnsigned = zpType == onnx::TensorProto::UINT8;
  for (int64_t &z : zps)
    if (isUnsigned)
      z = uint8_t(z);
  for (double s : scales)
    if (!(s > 0.0) || !std::isfinite(s))
      failNode("scales must be positive and finite");
  if (scales.empty() || zps.empty() ||
      (zps.size() != 1 && zps.size() != scales.size()))
    failNode("scale and zero point have different sizes");
  unsigned flags = isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  int64_t qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
  if (scales.size() == 1 && zps.size() == 1)
    return quant::UniformQuantizedType::get(flags, b.getI8Type(),
                                            b.getF32Type(), scales[0], zps[0],
                                            qmin, qmax);
  if (zps.size() == 1)
    zps.assign(scales.size(), zps[0]);
  (void)valueInput;
  return quant::UniformQuantizedPerAxisType::get(
      flags, b.getI8Type(), b.getF32Type(), scales, zps, axis, qmin, qmax);
}

Importer::ConvGeometry Importer::convGeometry(RankedTensorType xt,
                                              RankedTensorType wt,
                                              bool oneDimensional) {
  ConvGeometry g;
  g.strides = intsAttr("strides");
  g.dilations = intsAttr("dilations");
  SmallVector<int64_t> pads = intsAttr("pads");
  // A 1-D convolution seen as a 2-D one of height 1 (its operands reshaped
  // to [N, C, 1, L] and [M, C/g, 1, K] by the caller).
  if (oneDimensional) {
    if (g.strides.size() > 1 || g.dilations.size() > 1 ||
        (!pads.empty() && pads.size() != 2))
      failNode("a 1-D convolution takes 1 stride, 1 dilation and 2 pads");
    if (g.strides.empty())
      g.strides = {1};
    if (g.dilations.empty())
      g.dilations = {1};
    g.strides.insert(g.strides.begin(), 1);
    g.dilations.insert(g.dilations.begin(), 1);
    if (pads.size() == 2)
      pads = {0, pads[0], 0, pads[1]};
  }
  if (g.strides.empty())
    g.strides = {1, 1};
  if (g.dilations.empty())
    g.dilations = {1, 1};
  if (xt.getRank() != 4 || wt.getRank() != 4)
    unsupported("only 2-D convolutions (4-D input and weight) are supported");
  if (g.strides.size() != 2 || g.dilations.size() != 2 ||
      llvm::any_of(g.strides, [](int64_t v) { return v <= 0; }) ||
      llvm::any_of(g.dilations, [](int64_t v) { return v <= 0; }))
    failNode("strides and dilations must be 2 positive values");
  SmallVector<int64_t> window = {(wt.getDimSize(2) - 1) * g.dilations[0] + 1,
                                 (wt.getDimSize(3) - 1) * g.dilations[1] + 1};
  g.pads = tosaPads(stringAttr("auto_pad", "NOTSET"), pads,
                    {xt.getDimSize(2), xt.getDimSize(3)}, window, g.strides);
  return g;
}

Value Importer::buildQuantizedConv(Value x, Type xq, Value w, Type wq,
                                   Value bias, Type outElement,
                                   DenseI32ArrayAttr multiplier,
                                   DenseI32ArrayAttr shift,
                                   IntegerAttr clampMin, IntegerAttr clampMax,
                                   qnn::RoundingModeAttr rounding) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  if (xt.getRank() != 4)
    unsupported("only 2-D quantized convolutions are supported");
  ConvGeometry g = convGeometry(xt, wt);
  Value nhwc = toNHWC(x);
  nhwc = quant::StorageCastOp::create(
      b, loc, cast<RankedTensorType>(nhwc.getType()).clone(xq), nhwc);
  Value ohwi = transpose(w, {0, 2, 3, 1});
  ohwi = quant::StorageCastOp::create(
      b, loc, cast<RankedTensorType>(ohwi.getType()).clone(wq), ohwi);
  RankedTensorType out = outputType();
  auto outNHWC = RankedTensorType::get({out.getDimSize(0), out.getDimSize(2),
                                        out.getDimSize(3), out.getDimSize(1)},
                                       outElement);
  Value c = qnn::Conv2DOp::create(
      b, loc, outNHWC, nhwc, ohwi, bias, b.getDenseI64ArrayAttr(g.strides),
      b.getDenseI64ArrayAttr(g.pads), b.getDenseI64ArrayAttr(g.dilations),
      b.getI64IntegerAttr(intAttr("group", 1)), multiplier, shift, clampMin,
      clampMax, rounding);
  if (isa<quant::QuantizedType>(outElement))
    c = quant::StorageCastOp::create(b, loc, outNHWC.clone(b.getI8Type()), c);
  return toNCHW(c);
}

void Importer::importQLinear(bool conv) {
  // x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp [, bias]
  auto xt = inputType(0), wt = inputType(3);
  if (!xt.getElementType().isInteger(8) || !wt.getElementType().isInteger(8))
    unsupported("non-8-bit operands");
  RankedTensorType out = outputType();
  auto yq = dyn_cast<quant::UniformQuantizedType>(
      quantizedType(0, 6, 7, 0));
  auto xq = dyn_cast<quant::UniformQuantizedType>(quantizedType(0, 1, 2, 0));
  if (!yq || !xq)
    unsupported("per-axis activations");
  Type wq = quantizedType(3, 4, 5, conv ? 0 : 1);
  SmallVector<double> wScales = constantFloats(4);
  int64_t channels = conv ? wt.getDimSize(0) : wt.getDimSize(wt.getRank() - 1);
  if (wScales.size() != 1 && (int64_t)wScales.size() != channels)
    failNode("w_scale must have 1 or " + Twine(channels) + " entries");
  SmallVector<int32_t> mult, shift;
  for (int64_t c = 0; c < (wScales.size() == 1 ? 1 : channels); ++c) {
    double m = xq.getScale() * wScales[wScales.size() == 1 ? 0 : c] /
               yq.getScale();
    requant::FixedPointMultiplier fp;
    if (!requant::quantizeMultiplier(m, fp))
      unsupported("a requantization multiplier out of range");
    mult.push_back(fp.multiplier);
    shift.push_back(fp.shift);
  }
  auto bias = RankedTensorType::get({channels}, b.getI32Type());
  Value biasValue =
      hasInput(8) ? input(8)
                  : tosa::ConstOp::create(
                        b, loc, bias, DenseElementsAttr::get(bias, int32_t(0)));
  auto multAttr = b.getDenseI32ArrayAttr(mult);
  auto shiftAttr = b.getDenseI32ArrayAttr(shift);
  auto lo = b.getI32IntegerAttr(yq.getStorageTypeMin());
  auto hi = b.getI32IntegerAttr(yq.getStorageTypeMax());
  auto rounding = qnn::RoundingModeAttr::get(ctx, qnn::RoundingMode::HalfEven);
  Value result;
  if (!conv) {
    // One 2-D qnn.matmul per batch (equal batch shapes), concatenated.
    if (xt.getRank() != wt.getRank() || xt.getRank() < 2 ||
        xt.getShape().drop_back(2) != wt.getShape().drop_back(2))
      unsupported("QLinearMatMul with broadcast batch dimensions");
    if (isa<quant::UniformQuantizedPerAxisType>(wq) && wt.getRank() != 2)
      unsupported("per-axis batched QLinearMatMul");
    if (xt.getNumElements() == 0 || wt.getNumElements() == 0)
      unsupported("empty QLinearMatMul operands");
    int64_t m = xt.getDimSize(xt.getRank() - 2), k = xt.getDimSize(xt.getRank() - 1);
    int64_t n = wt.getDimSize(wt.getRank() - 1);
    int64_t batch = xt.getNumElements() / (m * k);
    Value a3 = reshape(input(0), {batch, m, k});
    Value w3 = reshape(input(3), {batch, k, n});
    SmallVector<Value> parts;
    for (int64_t i = 0; i < batch; ++i) {
      auto slice = [&](Value v, int64_t rows, int64_t cols) {
        auto vt = cast<RankedTensorType>(v.getType());
        Value s = tosa::SliceOp::create(
            b, loc, vt.clone({1, rows, cols}), v, shapeValue({i, 0, 0}),
            shapeValue({1, rows, cols}));
        return reshape(s, {rows, cols});
      };
      Value a = quant::StorageCastOp::create(
          b, loc, RankedTensorType::get({m, k}, xq), slice(a3, m, k));
      Value w = quant::StorageCastOp::create(
          b, loc, RankedTensorType::get({k, n}, wq), slice(w3, k, n));
      Value mm = qnn::MatmulOp::create(
          b, loc, RankedTensorType::get({m, n}, yq), a, w, biasValue,
          multAttr, shiftAttr, lo, hi, rounding);
      Value raw = quant::StorageCastOp::create(
          b, loc, RankedTensorType::get({m, n}, b.getI8Type()), mm);
      parts.push_back(reshape(raw, {1, m, n}));
    }
    Value all = parts.size() == 1
                    ? parts[0]
                    : tosa::ConcatOp::create(
                          b, loc,
                          RankedTensorType::get({batch, m, n}, b.getI8Type()),
                          parts, b.getI32IntegerAttr(0))
                          .getResult();
    result = reshape(all, out.getShape());
  } else {
    result = buildQuantizedConv(input(0), xq, input(3), wq, biasValue, yq,
                                multAttr, shiftAttr, lo, hi, rounding);
  }
  if (yq.isSigned() == false)
    unsignedValues.insert(node->output(0));
  setOutput(result);
}


void Importer::importInteger(bool conv) {
  // a, b [, a_zero_point, b_zero_point] -> i32 (MatMulInteger, ConvInteger).
  auto at = inputType(0), bt = inputType(1);
  if (!at.getElementType().isInteger(8) || !bt.getElementType().isInteger(8))
    unsupported("non-8-bit operands");
  auto typeOf = [&](int64_t value, int64_t zp, int64_t axis) -> Type {
    bool isUnsigned = unsignedValues.contains(node->input(value));
    SmallVector<int64_t> zps = {0};
    if (hasInput(zp)) {
      zps = constantInts(zp);
      int32_t zpType = constants[node->input(zp)]->data_type();
      isUnsigned = zpType == onnx::TensorProto::UINT8;
    }
    for (int64_t &z : zps)
      if (isUnsigned)
        z = uint8_t(z);
    unsigned flags = isUnsigned ? 0 : quant::QuantizationFlags::Signed;
    int64_t qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
    if (zps.size() == 1)
      return quant::UniformQuantizedType::get(flags, b.getI8Type(),
                                              b.getF32Type(), 1.0, zps[0],
                                              qmin, qmax);
    return quant::UniformQuantizedPerAxisType::get(
        flags, b.getI8Type(), b.getF32Type(),
        SmallVector<double>(zps.size(), 1.0), zps, axis, qmin, qmax);
  };
  Type aq = typeOf(0, 2, 0);
  if (!isa<quant::UniformQuantizedType>(aq))
    unsupported("per-row zero points of the first operand");
  Type bq = typeOf(1, 3, conv ? 0 : 1);
  RankedTensorType out = outputType();
  int64_t channels = conv ? bt.getDimSize(0) : bt.getDimSize(bt.getRank() - 1);
  auto biasType = RankedTensorType::get({channels}, b.getI32Type());
  Value bias = tosa::ConstOp::create(
      b, loc, biasType, DenseElementsAttr::get(biasType, int32_t(0)));
  if (!conv) {
    if (at.getRank() != 2 || bt.getRank() != 2)
      unsupported("batched MatMulInteger");
    Value a = quant::StorageCastOp::create(b, loc, at.clone(aq), input(0));
    Value w = quant::StorageCastOp::create(b, loc, bt.clone(bq), input(1));
    return setOutput(qnn::MatmulOp::create(
        b, loc, out, a, w, bias, DenseI32ArrayAttr(), DenseI32ArrayAttr(),
        IntegerAttr(), IntegerAttr(), qnn::RoundingModeAttr()));
  }
  setOutput(buildQuantizedConv(input(0), aq, input(1), bq, bias,
                               b.getI32Type(), DenseI32ArrayAttr(),
                               DenseI32ArrayAttr(), IntegerAttr(),
                               IntegerAttr(), qnn::RoundingModeAttr()));
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

const llvm::StringMap<Importer::Handler> &Importer::handlers() {
  static const llvm::StringMap<Handler> table = [] {
    llvm::StringMap<Handler> t;
    for (StringRef op : {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min",
                         "Sum", "Mean", "PRelu"})
      t[op] = [op](Importer &im) { im.importBinary(op); };
    for (StringRef op :
         {"Relu", "Sigmoid", "Tanh", "Exp", "Log", "Abs", "Neg", "Reciprocal",
          "Sqrt", "Erf", "Floor", "Ceil", "Round", "Identity", "Dropout",
          "LeakyRelu",
          "HardSigmoid", "HardSwish", "Elu"})
      t[op] = [op](Importer &im) { im.importUnary(op); };
    for (StringRef op :
         {"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"})
      t[op] = [op](Importer &im) { im.importPool(op); };
    for (StringRef op : {"Reshape", "Flatten", "Squeeze", "Unsqueeze"})
      t[op] = [op](Importer &im) { im.importReshapeLike(op); };
    t["Conv"] = [](Importer &im) { im.importConv(); };
    t["Cast"] = [](Importer &im) { im.importCast(); };
    t["CastLike"] = [](Importer &im) {
      // The type of the second input, from its declaration.
      const std::string &name = im.node->input(1);
      int32_t type = -1;
      if (auto it = im.constants.find(name); it != im.constants.end())
        type = it->second->data_type();
      else if (auto vi = im.valueInfo.find(name);
               vi != im.valueInfo.end() && vi->second->type().has_tensor_type())
        type = vi->second->type().tensor_type().elem_type();
      if (type < 0)
        im.unsupported("CastLike's target of unknown type");
      im.importCast(type);
    };
    t["ConvTranspose"] = [](Importer &im) { im.importConvTranspose(); };
    t["Resize"] = [](Importer &im) { im.importResize(); };
    t["BatchNormalization"] = [](Importer &im) { im.importBatchNorm(); };
    t["MatMul"] = [](Importer &im) { im.importMatMul(); };
    t["Gemm"] = [](Importer &im) { im.importGemm(); };
    t["Transpose"] = [](Importer &im) { im.importTranspose(); };
    t["Concat"] = [](Importer &im) { im.importConcat(); };
    t["Softmax"] = [](Importer &im) { im.importSoftmax(); };
    t["LogSoftmax"] = [](Importer &im) { im.importSoftmax(/*log=*/true); };
    t["ArgMax"] = [](Importer &im) { im.importArgMax(/*min=*/false); };
    t["ArgMin"] = [](Importer &im) { im.importArgMax(/*min=*/true); };
    for (StringRef op :
         {"Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual"})
      t[op] = [op](Importer &im) { im.importCompare(op); };
    for (StringRef op : {"And", "Or", "Xor", "Not"})
      t[op] = [op](Importer &im) { im.importLogical(op); };
    t["Trilu"] = [](Importer &im) { im.importTrilu(); };
    for (StringRef op :
         {"Softplus", "Softsign", "Selu",  "Celu",  "ThresholdedRelu",
          "Shrink",   "Sign",     "IsNaN", "IsInf", "Sin",
          "Cos",      "Tan",      "Asin",  "Acos",  "Atan",
          "Sinh",     "Cosh",     "Asinh", "Acosh", "Atanh"})
      t[op] = [op](Importer &im) { im.importMath(op); };
    t["Where"] = [](Importer &im) { im.importWhere(); };
    t["Expand"] = [](Importer &im) { im.importExpand(); };
    t["Tile"] = [](Importer &im) { im.importTile(); };
    t["ConstantOfShape"] = [](Importer &im) { im.importConstantOfShape(); };
    t["Range"] = [](Importer &im) { im.importRange(); };
    for (StringRef op : {"HannWindow", "HammingWindow", "BlackmanWindow"})
      t[op] = [op](Importer &im) { im.importWindow(op); };
    t["MelWeightMatrix"] = [](Importer &im) { im.importMelWeightMatrix(); };
    t["STFT"] = [](Importer &im) { im.importSTFT(); };
    t["DFT"] = [](Importer &im) { im.importDFT(); };
    t["Einsum"] = [](Importer &im) { im.importEinsum(); };
    t["TopK"] = [](Importer &im) { im.importTopK(); };
    t["Mod"] = [](Importer &im) { im.importMod(); };
    t["Gather"] = [](Importer &im) { im.importGather(/*elements=*/false); };
    t["GatherElements"] = [](Importer &im) {
      im.importGather(/*elements=*/true);
    };
    t["DepthToSpace"] = [](Importer &im) { im.importDepthToSpace(true); };
    t["SpaceToDepth"] = [](Importer &im) { im.importDepthToSpace(false); };
    t["Hardmax"] = [](Importer &im) { im.importHardmax(); };
    t["CumSum"] = [](Importer &im) { im.importCumSum(); };
    for (StringRef op : {"RNN", "GRU", "LSTM"})
      t[op] = [op](Importer &im) { im.importRecurrent(op); };
    t["ReduceMean"] = [](Importer &im) { im.importReduceMean(); };
    for (StringRef op :
         {"ReduceMin", "ReduceMax", "ReduceSum", "ReduceProd", "ReduceL1",
          "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"})
      t[op] = [op](Importer &im) { im.importReduce(op); };
    t["Slice"] = [](Importer &im) { im.importSlice(); };
    t["Split"] = [](Importer &im) { im.importSplit(); };
    t["Pad"] = [](Importer &im) { im.importPad(); };
    t["Clip"] = [](Importer &im) { im.importClip(); };
    t["LayerNormalization"] = [](Importer &im) { im.importLayerNorm(); };
    t["QuantizeLinear"] = [](Importer &im) { im.importQuantizeLinear(true); };
    t["QLinearMatMul"] = [](Importer &im) { im.importQLinear(false); };
    t["QLinearConv"] = [](Importer &im) { im.importQLinear(true); };
    t["MatMulInteger"] = [](Importer &im) { im.importInteger(false); };
    t["DynamicQuantizeLinear"] = [](Importer &im) {
      Value x = im.input(0);
      auto xt = cast<RankedTensorType>(x.getType());
      if (!xt.getElementType().isF32())
        im.unsupported("non-f32 input");
      auto op = qnn::DynamicQuantizeOp::create(
          im.b, im.loc, xt.clone(im.b.getI8Type()),
          RankedTensorType::get({}, im.b.getF32Type()),
          RankedTensorType::get({}, im.b.getI8Type()), x);
      for (int i = 0; i < 3; ++i)
        im.setOutput(op->getResult(i), i);
      im.unsignedValues.insert(im.node->output(0));
      im.unsignedValues.insert(im.node->output(2));
    };
    t["ConvInteger"] = [](Importer &im) { im.importInteger(true); };
    t["DequantizeLinear"] = [](Importer &im) {
      im.importQuantizeLinear(false);
    };
    return t;
  }();
  return table;
}

llvm::StringMap<onnx::TensorProto> Importer::foldShapeComputations() {
  llvm::StringMap<onnx::TensorProto> folded;
  try {
    for (const auto &imp : model.opset_import())
      if (imp.domain().empty() || imp.domain() == "ai.onnx")
        opset = imp.version();
    const onnx::GraphProto &graph = model.graph();
    for (const auto &init : graph.initializer())
      constants[init.name()] = &init;
    for (const auto &n : graph.node())
      if (n.op_type() == "Constant")
        collectConstant(n);
    for (auto &entry : nodeConstants)
      constants[entry.getKey()] = &entry.getValue();
    for (const auto &vi : graph.value_info())
      valueInfo[vi.name()] = &vi;
    for (const auto &vi : graph.input())
      valueInfo[vi.name()] = &vi;
    for (const auto &n : graph.node()) {
      node = &n;
      if (n.op_type() != "Constant" && foldConstantNode())
        folded[n.output(0)] = nodeConstants[n.output(0)];
    }
  } catch (const ImportError &) {
    // A node that cannot be folded is imported (and diagnosed) later.
  }
  return folded;
}

FailureOr<OwningOpRef<ModuleOp>> Importer::run() {
  ctx->loadDialect<func::FuncDialect, tosa::TosaDialect, qnn::QNNDialect,
                   quant::QuantDialect, linalg::LinalgDialect,
                   math::MathDialect, arith::ArithDialect,
                   tensor::TensorDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  try {
    for (const auto &imp : model.opset_import())
      if (imp.domain().empty() || imp.domain() == "ai.onnx")
        opset = imp.version();
    if (opset < kMinOpset || opset > kMaxOpset)
      fail("unsupported opset " + Twine(opset) + " (supported: " +
           Twine(kMinOpset) + " to " + Twine(kMaxOpset) + ")");
    const onnx::GraphProto &graph = model.graph();
    for (const auto &init : graph.initializer())
      constants[init.name()] = &init;
    for (const auto &n : graph.node())
      if (n.op_type() == "Constant")
        collectConstant(n);
    for (auto &entry : nodeConstants)
      constants[entry.getKey()] = &entry.getValue();
    for (const auto &vi : graph.value_info())
      valueInfo[vi.name()] = &vi;
    for (const auto &vi : graph.output())
      if (!valueInfo.contains(vi.name()))
        valueInfo[vi.name()] = &vi;
    for (const auto &vi : graph.input())
      valueInfo[vi.name()] = &vi;

    // Function signature: graph inputs that are not initializers.
    SmallVector<Type> argTypes, resultTypes;
    SmallVector<const onnx::ValueInfoProto *> args;
    for (const auto &vi : graph.input()) {
      if (constants.contains(vi.name()))
        continue;
      args.push_back(&vi);
      argTypes.push_back(staticType(vi.name()));
      if (vi.type().tensor_type().elem_type() == onnx::TensorProto::UINT8)
        unsignedValues.insert(vi.name());
    }
    b.setInsertionPointToStart(module->getBody());
    auto func = func::FuncOp::create(b, fileLoc, options.functionName,
                                     b.getFunctionType(argTypes, resultTypes));
    Block *entry = func.addEntryBlock();
    b.setInsertionPointToStart(entry);
    loc = fileLoc;
    SmallVector<Attribute> inputNames, outputNames;
    for (auto [vi, arg] : llvm::zip(args, entry->getArguments())) {
      values[vi->name()] = arg;
      inputNames.push_back(b.getStringAttr(vi->name()));
    }
    // The graph's names, for the files of several inputs and outputs.
    func->setAttr("qmlir.input_names", b.getArrayAttr(inputNames));

    // Every node whose operator (or domain) the importer lacks, reported at
    // once before anything is imported; the shape computations are left to
    // the import (they are supported where they fold).
    static const llvm::StringSet<> foldedOnly = {"Shape", "Size"};
    int64_t missing = 0;
    for (const auto &n : graph.node()) {
      if (n.op_type() == "Constant" || foldedOnly.contains(n.op_type()))
        continue;
      bool foreign = !n.domain().empty() && n.domain() != "ai.onnx";
      if (!foreign && handlers().contains(n.op_type()))
        continue;
      ++missing;
      emitError(NameLoc::get(
          b.getStringAttr(n.name().empty() ? n.op_type() : n.name()), fileLoc))
          << "node '" << n.name() << "' (" << n.op_type() << ", opset " << opset
          << "): unsupported: "
          << (foreign ? "operator domain '" + n.domain() + "'"
              : n.op_type() == "If"
                  ? std::string("an If whose condition is known only at run "
                                "time (the If nodes whose condition folds, "
                                "e.g. after --input-value, are inlined)")
                  : "operator " + n.op_type());
    }
    if (missing)
      fail(Twine(missing) + " node" + (missing == 1 ? "" : "s") +
           " with an unsupported operator");

    for (const auto &n : graph.node()) {
      node = &n;
      loc = NameLoc::get(b.getStringAttr(n.name().empty() ? n.op_type()
                                                          : n.name()),
                         fileLoc);
      if (n.op_type() == "Constant")
        continue;
      if (!n.domain().empty() && n.domain() != "ai.onnx")
        unsupported("operator domain '" + n.domain() + "'");
      if (foldConstantNode())
        continue;
      auto it = handlers().find(n.op_type());
      if (it == handlers().end())
        unsupported("operator " + n.op_type());
      it->second(*this);
    }
    SmallVector<Value> results;
    for (const auto &vi : graph.output()) {
      loc = fileLoc;
      Value v = values.lookup(vi.name());
      if (!v && constants.contains(vi.name())) {
        auto a = tensorAttr(*constants[vi.name()]);
        v = tosa::ConstOp::create(b, fileLoc, a.getType(), a);
      }
      if (!v)
        fail("graph output '" + vi.name() + "' is not produced by any node");
      results.push_back(v);
    }
    func::ReturnOp::create(b, fileLoc, results);
    for (Value v : results)
      resultTypes.push_back(v.getType());
    func.setFunctionType(b.getFunctionType(argTypes, resultTypes));
    for (const auto &vi : graph.output())
      outputNames.push_back(b.getStringAttr(vi.name()));
    func->setAttr("qmlir.output_names", b.getArrayAttr(outputNames));
  } catch (const ImportError &) {
    return failure();
  }
  if (failed(verify(*module)))
    return failure();
  // Weights rearranged at run time become constants; then cancel the layout
  // transposes between consecutive NHWC ops.
  PassManager pm(ctx);
  pm.addNestedPass<func::FuncOp>(createQNNFoldConstantDataMovement());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaReduceTransposes());
  pm.addPass(createCanonicalizerPass());
  if (failed(pm.run(*module)))
    return failure();
  return module;
}

} // namespace

bool qmlir::parseInputShape(StringRef spec, ONNXImportOptions &options) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty())
    return false;
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d) || d <= 0)
      return false;
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return true;
}

bool qmlir::parseInputValue(StringRef spec, ONNXImportOptions &options) {
  auto [name, list] = spec.rsplit('=');
  if (name.empty() || list.empty())
    return false;
  SmallVector<double> values;
  SmallVector<StringRef> parts;
  list.split(parts, ',');
  for (StringRef p : parts) {
    double v;
    if (p.trim().getAsDouble(v) || !std::isfinite(v))
      return false;
    values.push_back(v);
  }
  options.inputValues[name] = values;
  return true;
}

/// Turns the graph inputs named in `values` into initializers of their
/// declared element type and (static) shape. An error message, or empty.
static std::string
fixInputValues(onnx::GraphProto &graph,
               const llvm::StringMap<SmallVector<double>> &values) {
  llvm::StringSet<> applied;
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> kept;
  for (onnx::ValueInfoProto &vi : *graph.mutable_input()) {
    auto it = values.find(vi.name());
    if (it == values.end()) {
      *kept.Add() = vi;
      continue;
    }
    applied.insert(vi.name());
    std::string what = "--input-value for '" + vi.name() + "': ";
    if (!vi.type().has_tensor_type())
      return what + "the input is not a tensor";
    const auto &tt = vi.type().tensor_type();
    onnx::TensorProto t;
    t.set_name(vi.name());
    t.set_data_type(tt.elem_type());
    int64_t count = 1;
    for (const auto &d : tt.shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() < 0)
        return what + "the input's shape is not static (give it with "
                      "--input-shape)";
      t.add_dims(d.dim_value());
      count *= d.dim_value();
    }
    ArrayRef<double> v = it->second;
    if (int64_t(v.size()) != count)
      return what + std::to_string(v.size()) + " values for an input of " +
             std::to_string(count) + " elements";
    auto integral = [&](double x, double lo, double hi) {
      return std::trunc(x) == x && x >= lo && x <= hi;
    };
    for (double x : v) {
      switch (tt.elem_type()) {
      case onnx::TensorProto::FLOAT:
        t.add_float_data(float(x));
        break;
      case onnx::TensorProto::DOUBLE:
        t.add_double_data(x);
        break;
      case onnx::TensorProto::INT64:
        if (!integral(x, -9.2e18, 9.2e18))
          return what + "not an int64 value";
        t.add_int64_data(int64_t(x));
        break;
      case onnx::TensorProto::INT32:
        if (!integral(x, INT32_MIN, INT32_MAX))
          return what + "not an int32 value";
        t.add_int32_data(int32_t(x));
        break;
      case onnx::TensorProto::BOOL:
        if (x != 0 && x != 1)
          return what + "a bool input takes 0 or 1";
        t.add_int32_data(int32_t(x));
        break;
      default:
        return what + "inputs of ONNX element type " +
               std::to_string(tt.elem_type()) + " cannot be fixed";
      }
    }
    // An input with a default (an initializer of the same name) takes the
    // given value instead.
    google::protobuf::RepeatedPtrField<onnx::TensorProto> inits;
    for (onnx::TensorProto &init : *graph.mutable_initializer())
      if (init.name() != vi.name())
        *inits.Add() = std::move(init);
    graph.mutable_initializer()->Swap(&inits);
    *graph.add_initializer() = std::move(t);
  }
  for (const auto &entry : values)
    if (!applied.contains(entry.getKey()))
      return "--input-value names '" + entry.getKey().str() +
             "', which is not an input of the model";
  graph.mutable_input()->Swap(&kept);
  return "";
}

FailureOr<OwningOpRef<ModuleOp>>
qmlir::importONNX(StringRef bytes, MLIRContext *context,
                  const ONNXImportOptions &options, StringRef sourceName) {
  Location loc = FileLineColLoc::get(context, sourceName, 0, 0);
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromArray(bytes.data(), bytes.size()))
    return emitError(loc) << "not a valid ONNX model (truncated or corrupt "
                             "protobuf)";
  if (!model.has_graph())
    return emitError(loc) << "the model has no graph";
  // Fix dynamic input dimensions, then infer every shape. A static
  // dimension must be given as it is; every name must be a graph input.
  llvm::StringSet<> applied;
  for (auto &vi : *model.mutable_graph()->mutable_input()) {
    auto it = options.inputShapes.find(vi.name());
    if (it == options.inputShapes.end())
      continue;
    applied.insert(vi.name());
    auto *shape = vi.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() != (int)it->second.size())
      return emitError(loc) << "--input-shape for '" << vi.name() << "' has "
                            << it->second.size() << " dimensions, the model "
                            << shape->dim_size();
    for (int i = 0; i < shape->dim_size(); ++i) {
      const auto &dim = shape->dim(i);
      if (dim.has_dim_value() && dim.dim_value() > 0 &&
          dim.dim_value() != it->second[i])
        return emitError(loc)
               << "--input-shape for '" << vi.name() << "': dimension " << i
               << " is " << dim.dim_value() << " in the model, not "
               << it->second[i];
      shape->mutable_dim(i)->set_dim_value(it->second[i]);
    }
  }
  for (const auto &entry : options.inputShapes)
    if (!applied.contains(entry.getKey()))
      return emitError(loc) << "--input-shape names '" << entry.getKey()
                            << "', which is not an input of the model";
  if (std::string e =
          fixInputValues(*model.mutable_graph(), options.inputValues);
      !e.empty())
    return emitError(loc) << e;
  if (model.graph().node_size() == 0)
    return emitError(loc) << "the model's graph is empty";
  if (std::string e = checkGraphData(model.graph()); !e.empty())
    return emitError(loc) << e;
  // ONNX's own shape inference divides by these.
  for (const auto &n : model.graph().node())
    for (const auto &a : n.attribute())
      if ((a.name() == "strides" || a.name() == "dilations" ||
           a.name() == "kernel_shape") &&
          llvm::any_of(a.ints(), [](int64_t v) { return v <= 0; }))
        return emitError(loc) << "node '" << n.name() << "' (" << n.op_type()
                              << "): " << a.name()
                              << " must be positive";
  int64_t opset = 0;
  for (const auto &imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      opset = imp.version();
  if (opset < kMinOpset || opset > kMaxOpset)
    return emitError(loc) << "unsupported opset " << opset << " (supported: "
                          << kMinOpset << " to " << kMaxOpset << ")";
  if (std::string e = checkBeforeInference(model.graph(), opset); !e.empty())
    return emitError(loc) << e;
  // Nodes without inputs (Constant) first, as the importer reads them:
  // inference then knows their values wherever they are used.
  {
    auto *nodes = model.mutable_graph()->mutable_node();
    std::stable_partition(
        nodes->begin(), nodes->end(),
        [](const onnx::NodeProto &n) { return n.input_size() == 0; });
  }
  // The graph outputs' declared shapes are set aside: inference computes
  // them from the inputs, and the declarations are checked against (and
  // fill the dimensions left unknown by) the result below. A declared shape
  // used to stand for the computed one, whatever its rank.
  std::vector<onnx::TypeProto> declaredOutputs;
  for (onnx::ValueInfoProto &o : *model.mutable_graph()->mutable_output()) {
    declaredOutputs.push_back(o.type());
    if (o.type().has_tensor_type())
      o.mutable_type()->mutable_tensor_type()->clear_shape();
  }
  // Defaults that this libonnx's shape inference reads differently from the
  // operator's specification, made explicit: STFT's onesided is 1 (its
  // inference takes 0 when the attribute is absent).
  for (onnx::NodeProto &n : *model.mutable_graph()->mutable_node())
    if (n.op_type() == "STFT" &&
        llvm::none_of(n.attribute(), [](const onnx::AttributeProto &a) {
          return a.name() == "onesided";
        })) {
      onnx::AttributeProto *a = n.add_attribute();
      a->set_name("onesided");
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(1);
    }
  // Shape inference, then folding of the shape computations it made
  // computable (a Reshape fed by Shape -> Slice -> Concat), until nothing
  // changes; the folded values become initializers. A round whose inference
  // fails is undone: the model is imported as the previous round left it.
  // An If whose condition folds is replaced by the branch it takes, whose
  // own shape computations and Ifs fold in the next rounds.
  onnx::ModelProto previous;
  for (int round = 0; round < 64; ++round) {
    if (std::string e = inferShapesIsolated(model); !e.empty()) {
      if (round == 0)
        return emitError(loc) << e;
      model = std::move(previous);
      break;
    }
    llvm::StringMap<onnx::TensorProto> folded =
        Importer(context, model, options, sourceName).foldShapeComputations();
    previous = model;
    auto *graph = model.mutable_graph();
    for (auto &entry : folded)
      *graph->add_initializer() = entry.getValue();
    google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
    for (auto &n : *graph->mutable_node())
      if (!(n.output_size() == 1 && folded.contains(n.output(0))))
        *kept.Add() = n;
    graph->mutable_node()->Swap(&kept);
    std::string ifError;
    int inlined = inlineConstantIfs(*graph, ifError);
    if (!ifError.empty())
      return emitError(loc) << ifError;
    if (folded.empty() && inlined == 0)
      break;
  }
  if (std::string e = checkTypeConstraints(model.graph(), opset); !e.empty())
    return emitError(loc) << e;
  for (auto [o, declared] :
       llvm::zip(*model.mutable_graph()->mutable_output(), declaredOutputs)) {
    if (!declared.has_tensor_type() || !declared.tensor_type().has_shape() ||
        !o.type().has_tensor_type())
      continue;
    const onnx::TensorShapeProto &want = declared.tensor_type().shape();
    onnx::TypeProto_Tensor *got = o.mutable_type()->mutable_tensor_type();
    if (!got->has_shape()) {
      *got->mutable_shape() = want;
      continue;
    }
    if (got->shape().dim_size() != want.dim_size())
      return emitError(loc)
             << "graph output '" << o.name() << "' is declared with rank "
             << want.dim_size() << ", the graph computes rank "
             << got->shape().dim_size();
    for (int d = 0; d < want.dim_size(); ++d) {
      onnx::TensorShapeProto_Dimension *dim =
          got->mutable_shape()->mutable_dim(d);
      if (!want.dim(d).has_dim_value())
        continue;
      if (dim->has_dim_value() && dim->dim_value() != want.dim(d).dim_value())
        return emitError(loc)
               << "graph output '" << o.name() << "' is declared with size "
               << want.dim(d).dim_value() << " in dimension " << d
               << ", the graph computes " << dim->dim_value();
      dim->set_dim_value(want.dim(d).dim_value());
    }
  }
  Importer importer(context, model, options, sourceName);
  return importer.run();
}
