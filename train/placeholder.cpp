// Placeholder so the train library has a translation unit.
