#version 330 core
// Round, softly edged points.
in vec4 vColor;
in vec2 vCoord;
out vec4 fragColor;
void main() {
  vec2 d = vCoord - vec2(0.5);
  float r = length(d) * 2.0;
  if (vColor.a <= 0.0 || r > 1.0) discard;
  fragColor = vec4(vColor.rgb, vColor.a * clamp((1.0 - r) * 3.0, 0.0, 1.0));
}
