#include "wasi/file_object.hh"

namespace wasinet::wasi {

// Defaults follow what Linux answers when an operation does not apply to a
// descriptor's kind: no seeking on pipes (ESPIPE), and EBADF for reads or
// writes the descriptor was not opened for.
Result<size_t> FileObject::read(IoVecs, bool) { return Errno::badf; }
Result<size_t> FileObject::write(IoVecs, bool) { return Errno::badf; }
Result<size_t> FileObject::pread(IoVecs, FileSize) { return Errno::spipe; }
Result<size_t> FileObject::pwrite(IoVecs, FileSize) { return Errno::spipe; }
Result<FileSize> FileObject::seek(int64_t, Whence) { return Errno::spipe; }
Status FileObject::sync() { return Errno::inval; }
Status FileObject::datasync() { return Errno::inval; }
Status FileObject::advise(FileSize, FileSize, Advice) { return Errno::spipe; }
Status FileObject::allocate(FileSize, FileSize) { return Errno::notsup; }
Result<Filestat> FileObject::filestat() { return Errno::badf; }
Status FileObject::set_size(FileSize) { return Errno::inval; }
Status FileObject::set_times(const TimesUpdate&) { return Errno::badf; }
Status FileObject::set_host_flags(uint16_t) { return Errno::success; }

}  // namespace wasinet::wasi
