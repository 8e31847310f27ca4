// The one translation unit that compiles stb_image's implementation (see decode.cpp).
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO       // we read files ourselves, so errors name the path
#define STBI_NO_HDR
#define STBI_NO_LINEAR
#define STBI_FAILURE_USERMSG
#include <stb_image.h>
