// JSON parsing that refuses duplicate keys (nlohmann keeps the last one silently), nesting
// deeper than kMaxJsonDepth (recursive code downstream, such as dump(), must not run out of
// stack) and files above kMaxJsonFileBytes, and reports the file and position of syntax
// errors. Never lets an nlohmann exception escape: everything is a BadInput.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace latentlab {

inline constexpr int kMaxJsonDepth = 200;

nlohmann::json parseJsonStrict(const std::string& text, const std::string& where);
nlohmann::json readJsonFile(const std::string& path);

// A short name for a JSON value's type in messages: "a string", "a number", "an object"...
std::string jsonTypeName(const nlohmann::json& j);
// A built-in architecture's config.KEY: when present it must be an integer in lo..hi (BadInput
// "<where>: config.KEY must be an integer in lo..hi" otherwise); when absent `out` keeps its default.
void readConfigInt(const nlohmann::json& j, const char* key, int& out, int lo, int hi, const std::string& where);

namespace detail {
template <typename T>
struct IsVector : std::false_type {};
template <typename T, typename A>
struct IsVector<std::vector<T, A>> : std::true_type {};
template <typename T>
struct IsStringMap : std::false_type {};
template <typename V, typename C, typename A>
struct IsStringMap<std::map<std::string, V, C, A>> : std::true_type {};
template <typename T>
inline constexpr bool kAlwaysFalse = false;
}  // namespace detail

// j as a T when j holds that kind of value and it fits: integers only from JSON integers in
// T's range, floating point from any finite number within T's range, bool, string, and
// vectors / string-keyed maps of those. nullopt otherwise. Never throws and never converts
// out of range (nlohmann's get<int64_t>() of 1e70, or get<float>() of 1e300, is undefined
// behaviour: a fuzzer found it in session reading).
template <typename T>
std::optional<T> jsonAs(const nlohmann::json& j) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) return std::nullopt;
    return j.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    using Lim = std::numeric_limits<T>;
    if (j.is_number_unsigned()) {
      uint64_t v = j.get<uint64_t>();
      if (v > uint64_t(Lim::max())) return std::nullopt;
      return T(v);
    }
    if (!j.is_number_integer()) return std::nullopt;
    int64_t v = j.get<int64_t>();
    if (v < 0) {
      if constexpr (std::is_unsigned_v<T>) return std::nullopt;
      else if (v < int64_t(Lim::min())) return std::nullopt;
    } else if (uint64_t(v) > uint64_t(Lim::max())) {
      return std::nullopt;
    }
    return T(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!j.is_number()) return std::nullopt;
    double v = j.get<double>();
    if (!std::isfinite(v) || std::fabs(v) > double(std::numeric_limits<T>::max())) return std::nullopt;
    return T(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) return std::nullopt;
    return j.get<std::string>();
  } else if constexpr (detail::IsVector<T>::value) {
    if (!j.is_array()) return std::nullopt;
    T out;
    for (const auto& x : j) {
      auto v = jsonAs<typename T::value_type>(x);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
    }
    return out;
  } else if constexpr (detail::IsStringMap<T>::value) {
    if (!j.is_object()) return std::nullopt;
    T out;
    for (const auto& [k, x] : j.items()) {
      auto v = jsonAs<typename T::mapped_type>(x);
      if (!v) return std::nullopt;
      out.emplace(k, std::move(*v));
    }
    return out;
  } else {
    static_assert(detail::kAlwaysFalse<T>, "jsonAs: unsupported type");
  }
}

}  // namespace latentlab
