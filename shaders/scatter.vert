#version 330 core
// Latent map points: one small screen-aligned square per point (an instance of a 4-corner
// triangle strip), plane coordinates -> clip space of the map's viewport. Squares rather than
// GL points: Mesa llvmpipe's point rasteriser writes one row past the scissor rectangle,
// which broke partial redraws (app/gl/partial_redraw.h); triangles are scissored exactly.
layout(location = 0) in vec2 aPos;     // (u, v) on the map plane, per point
layout(location = 1) in vec4 aColor;   // class colour; alpha 0 = hidden class, per point
layout(location = 2) in vec2 aCorner;  // (-1, -1) .. (1, 1), per corner
uniform vec2 uCenter;                  // plane point at the viewport centre
uniform vec2 uScale;                   // plane units -> NDC, per axis
uniform float uPointSize;              // side of the square in framebuffer pixels
uniform vec2 uViewport;                // the viewport (the map) in framebuffer pixels
out vec4 vColor;
out vec2 vCoord;                       // 0..1 across the square, as gl_PointCoord was
void main() {
  vColor = aColor;
  vCoord = aCorner * 0.5 + 0.5;
  float side = aColor.a > 0.0 ? uPointSize : 0.0;
  gl_Position = vec4((aPos - uCenter) * uScale + aCorner * side / uViewport, 0.0, 1.0);
}
