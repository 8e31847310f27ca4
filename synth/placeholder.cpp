// Placeholder so the synth library has a translation unit; delete when its first real source lands.
