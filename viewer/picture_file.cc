#include <fcntl.h>
#include <png.h>

#include <cstdio>
#include <memory>

#include "viewer/rfb_snapshot.h"

namespace telemaint::viewer {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status WritePng(const Picture& p, FILE* f) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    return Status::Internal("libpng could not start");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return Status::Io("writing the PNG failed");
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, p.width, p.height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < p.height; ++y)
    png_write_row(png, const_cast<png_bytep>(&p.rgb[static_cast<size_t>(y) * p.width * 3]));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return Status::Ok();
}

}  // namespace

bool IsPictureFileName(const std::string& path) {
  return EndsWith(path, ".png") || EndsWith(path, ".ppm");
}

Status WritePicture(const Picture& picture, const std::string& path) {
  bool png = EndsWith(path, ".png");
  if (!IsPictureFileName(path))
    return Status::InvalidInput("--snapshot takes a .png or .ppm file name");
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::unique_ptr<FILE, int (*)(FILE*)> f(fd >= 0 ? fdopen(fd, "wb") : nullptr, &std::fclose);
  if (!f) return Status::Io("cannot write '" + path + "'");
  if (png) return WritePng(picture, f.get());
  std::fprintf(f.get(), "P6\n%d %d\n255\n", picture.width, picture.height);
  if (std::fwrite(picture.rgb.data(), 1, picture.rgb.size(), f.get()) != picture.rgb.size())
    return Status::Io("writing '" + path + "' failed (disk full?)");
  return Status::Ok();
}

}  // namespace telemaint::viewer
