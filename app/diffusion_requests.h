// Turns the Diffusion panel's requests into EngineClient calls. Shared by the app and the
// headless tests, so the tests drive exactly what a click drives.
#pragma once

namespace latentlab {

class EngineClient;
struct UiRequests;
struct AppState;

void applyDiffusionRequests(const UiRequests& req, EngineClient& engine, const AppState& state);

}  // namespace latentlab
