// The Diffusion panel's "Forward noising" tab: pick a data image and slide the timestep t
// to watch q(x_t | x_0) = sqrt(alpha_bar) x0 + sqrt(1 - alpha_bar) noise, the process the
// model learned to undo. The noise is fixed by a seed, so sliding t shows the same noise
// growing. Requests go to the interactive worker; the latest one wins. When the data set's
// images have another shape than a pixel model's, the tab offers the resize the map offers
// (app/open_model/resize_offer.h) in place of the error.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "app/open_model/resize_offer.h"
#include "app/panels/panel.h"

namespace latentlab {

class ForwardNoiseView {
 public:
  void draw(PanelContext& ctx);
  int64_t index() const { return m_index; }
  int timestep() const { return m_t; }
  void set(int64_t index, int t) {
    m_index = index;
    m_t = t;
  }
  const ResizeOffer& resizeOffer() const { return m_resize; }  // tests
  // The data spec the offer's button just switched to (once), for the app's status line.
  std::string takeAcceptedResize() { return std::exchange(m_accepted, std::string()); }

 private:
  int64_t m_index = 0;
  int m_t = 300;
  int m_seed = 0;
  std::minstd_rand m_rng{20261123};
  // What was last asked for; a change sends a new request.
  int64_t m_askedIndex = -1, m_askedT = -2, m_askedSeed = -1;
  const void* m_askedModel = nullptr;
  std::string m_askedSpec;  // the data set asked for (the resize offer changes it)
  uint64_t m_staleVersion = ~uint64_t(0);  // the result shown when the resize was accepted
  ResizeOffer m_resize{"diffusion/noise-data-shape"};
  std::string m_accepted;
};

}  // namespace latentlab
