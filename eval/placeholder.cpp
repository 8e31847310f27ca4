// Placeholder so the eval library has a translation unit; delete when its first real source lands.
