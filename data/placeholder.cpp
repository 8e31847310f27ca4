// Placeholder so the data library has a translation unit; delete when its first real source lands.
