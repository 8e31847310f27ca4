// Translation unit that owns the precompiled header (cmake/pch.h).
