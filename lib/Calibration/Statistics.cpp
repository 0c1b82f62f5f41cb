//===- Statistics.cpp - Calibration statistics files ----------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Calibration/Statistics.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qmlir;

namespace {
constexpr int kVersion = 1;

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// Parses a float written by saveCalibrationStatistics (or by hand).
bool parseFloat(StringRef text, float &value) {
  double d;
  if (text.getAsDouble(d) || !std::isfinite(d))
    return false;
  value = static_cast<float>(d);
  return std::isfinite(value);
}
} // namespace

std::string mlir::qmlir::saveCalibrationStatistics(
    StringRef path, ArrayRef<qnn::ObserveOp> observers, StringRef method,
    int64_t inputs) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return ("cannot write '" + path + "': " + ec.message()).str();
  os << "qmlir-calibration " << kVersion << "\n";
  os << "method " << method << "\n";
  os << "inputs " << inputs << "\n";
  os << "observers " << observers.size() << "\n";
  for (auto [i, constObserver] : llvm::enumerate(observers)) {
    qnn::ObserveOp observer = constObserver;
    os << i << " " << typeString(observer.getType()) << " min "
       << llvm::format("%.9g", observer.getMin()->convertToFloat()) << " max "
       << llvm::format("%.9g", observer.getMax()->convertToFloat());
    if (std::optional<ArrayRef<float>> mean = observer.getMean()) {
      os << " mean";
      for (float m : *mean)
        os << " " << llvm::format("%.9g", m);
    }
    std::string loc;
    llvm::raw_string_ostream locOs(loc);
    observer.getLoc().print(locOs);
    os << "  # " << loc << "\n";
  }
  os.close();
  if (os.has_error())
    return ("cannot write '" + path + "': " + os.error().message()).str();
  return "";
}

std::string mlir::qmlir::loadCalibrationStatistics(
    StringRef path, ArrayRef<qnn::ObserveOp> observers) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return ("cannot read '" + path + "': " + buffer.getError().message())
        .str();
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  auto error = [&](size_t line, const Twine &what) {
    return (path + ":" + Twine(line + 1) + ": " + what).str();
  };
  // Header: version, then key-value lines up to "observers N".
  size_t at = 0;
  auto nextLine = [&](size_t &index) -> std::optional<StringRef> {
    while (index < lines.size()) {
      StringRef line = lines[index].split('#').first.trim();
      if (!line.empty())
        return line;
      ++index;
    }
    return std::nullopt;
  };
  std::optional<StringRef> line = nextLine(at);
  int version = 0;
  if (!line || !line->consume_front("qmlir-calibration ") ||
      line->trim().getAsInteger(10, version))
    return error(at, "expected 'qmlir-calibration <version>'");
  if (version != kVersion)
    return error(at, "unsupported version " + Twine(version) +
                         " (this compiler reads version " + Twine(kVersion) +
                         ")");
  int64_t count = -1;
  for (++at; (line = nextLine(at)); ++at) {
    auto [key, value] = line->split(' ');
    if (key == "observers") {
      if (value.trim().getAsInteger(10, count) || count < 0)
        return error(at, "expected 'observers <count>'");
      ++at;
      break;
    }
    if (key != "method" && key != "inputs")
      return error(at, "unknown header line '" + key + "'");
  }
  if (count < 0)
    return (path + ": no 'observers <count>' line").str();
  if (count != static_cast<int64_t>(observers.size()))
    return error(at, "the file describes " + Twine(count) +
                         " observers, the model has " +
                         Twine(observers.size()));

  if (observers.empty())
    return "";
  Builder builder(observers.front()->getContext());
  for (int64_t i = 0; i < count; ++i, ++at) {
    line = nextLine(at);
    if (!line)
      return (path + ": the file ends before the line of observer " +
              Twine(i))
          .str();
    SmallVector<StringRef> fields;
    line->split(fields, ' ', -1, /*KeepEmpty=*/false);
    int64_t index;
    if (fields.size() < 6 || fields[0].getAsInteger(10, index) || index != i)
      return error(at, "expected '" + Twine(i) +
                           " <type> min <value> max <value> [mean ...]'");
    qnn::ObserveOp observer = observers[i];
    std::string type = typeString(observer.getType());
    if (fields[1] != type)
      return error(at, "observer " + Twine(i) + " is " + type +
                           " in the model, " + fields[1] + " in the file");
    float lo, hi;
    if (fields[2] != "min" || !parseFloat(fields[3], lo) ||
        fields[4] != "max" || !parseFloat(fields[5], hi))
      return error(at, "expected 'min <value> max <value>' of finite values");
    if (lo > hi)
      return error(at, "min " + fields[3] + " is greater than max " +
                           fields[5]);
    SmallVector<float> mean;
    if (fields.size() > 6) {
      if (fields[6] != "mean")
        return error(at, "unexpected '" + fields[6] + "'");
      auto shape = cast<ShapedType>(observer.getType());
      int64_t channels = shape.getRank() ? shape.getShape().back() : 0;
      if (static_cast<int64_t>(fields.size()) - 7 != channels)
        return error(at, "expected " + Twine(channels) + " means, got " +
                             Twine(fields.size() - 7));
      for (StringRef field : ArrayRef<StringRef>(fields).drop_front(7)) {
        float m;
        if (!parseFloat(field, m) || m < lo || m > hi)
          return error(at, "mean '" + field + "' is not a value in [min, max]");
        mean.push_back(m);
      }
    }
    observer.setMinAttr(builder.getF32FloatAttr(lo));
    observer.setMaxAttr(builder.getF32FloatAttr(hi));
    if (!mean.empty())
      observer.setMeanAttr(builder.getDenseF32ArrayAttr(mean));
    else
      observer.removeMeanAttr();
  }
  if (nextLine(at))
    return error(at, "unexpected line after the last observer");
  return "";
}
