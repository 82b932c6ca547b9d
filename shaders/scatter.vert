#version 330 core
// Latent map points: plane coordinates -> clip space of the map's viewport.
layout(location = 0) in vec2 aPos;    // (u, v) on the map plane
layout(location = 1) in vec4 aColor;  // class colour; alpha 0 = hidden class
uniform vec2 uCenter;                 // plane point at the viewport centre
uniform vec2 uScale;                  // plane units -> NDC, per axis
uniform float uPointSize;             // framebuffer pixels
out vec4 vColor;
void main() {
  vColor = aColor;
  gl_Position = vec4((aPos - uCenter) * uScale, 0.0, 1.0);
  gl_PointSize = aColor.a > 0.0 ? uPointSize : 0.0;
}
