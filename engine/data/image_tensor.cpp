#include "engine/data/image_tensor.h"

#include <cstring>

#include "engine/util/errors.h"

namespace latentlab {

torch::Tensor datasetToTensor(const Dataset& d, int64_t begin, int64_t end, float lo, float hi) {
  end = std::min(end, d.count);
  int64_t n = std::max<int64_t>(0, end - begin);
  size_t per = size_t(d.width) * d.height * d.channels;
  auto u8 = torch::from_blob(const_cast<uint8_t*>(d.pixels.data()) + size_t(begin) * per,
                             {n, d.height, d.width, d.channels}, torch::kUInt8);
  return u8.permute({0, 3, 1, 2}).to(torch::kFloat32).mul((hi - lo) / 255.f).add(lo).contiguous();
}

torch::Tensor imagesToTensor(const std::vector<Image>& images, float lo, float hi) {
  if (images.empty()) return torch::empty({0});
  const Image& f = images[0];
  auto out = torch::empty({int64_t(images.size()), f.height, f.width, f.channels}, torch::kUInt8);
  size_t per = f.pixels.size();
  for (size_t i = 0; i < images.size(); ++i) {
    if (images[i].pixels.size() != per) throw BadInput("images of different sizes cannot form one batch");
    std::memcpy(out.data_ptr<uint8_t>() + i * per, images[i].pixels.data(), per);
  }
  return out.permute({0, 3, 1, 2}).to(torch::kFloat32).mul((hi - lo) / 255.f).add(lo).contiguous();
}

std::vector<Image> tensorToImages(const torch::Tensor& t0, float lo, float hi) {
  auto t = t0.detach().to(torch::kCPU, torch::kFloat32);
  if (t.dim() == 3) t = t.unsqueeze(1);
  TORCH_CHECK(t.dim() == 4, "tensorToImages needs N x C x H x W");
  auto u8 = ((t - lo) / (hi - lo) * 255.f).round().clamp(0, 255).to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous();
  std::vector<Image> out;
  int64_t n = u8.size(0), h = u8.size(1), w = u8.size(2), c = u8.size(3);
  for (int64_t i = 0; i < n; ++i) {
    Image img{int(w), int(h), int(c)};
    std::memcpy(img.pixels.data(), u8.data_ptr<uint8_t>() + i * h * w * c, size_t(h * w * c));
    out.push_back(std::move(img));
  }
  return out;
}

void checkFinite(const torch::Tensor& t, const std::string& what) {
  if (t.numel() && !torch::isfinite(t).all().item<bool>()) throw BadInput(what + " contains NaN or Inf");
}

}  // namespace latentlab
