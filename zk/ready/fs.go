package ready

import (
	"os"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// FS wraps a file system with crash points: before every operation that
// changes what is (or will be) on disk, Faults may kill the process. A
// nil f returns fs itself.
func FS(fs vfs.FS, f Faults) vfs.FS {
	if f == nil {
		return fs
	}
	return &faultFS{fs: fs, f: f}
}

type faultFS struct {
	fs vfs.FS
	f  Faults
}

func (x *faultFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	if flag&(os.O_CREATE|os.O_TRUNC) != 0 {
		if err := x.f.At(PointWrite); err != nil {
			return nil, err
		}
	}
	file, err := x.fs.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, f: x.f}, nil
}

func (x *faultFS) Remove(name string) error {
	if err := x.f.At(PointWrite); err != nil {
		return err
	}
	return x.fs.Remove(name)
}

func (x *faultFS) RemoveAll(name string) error {
	if err := x.f.At(PointWrite); err != nil {
		return err
	}
	return x.fs.RemoveAll(name)
}

func (x *faultFS) Rename(oldpath, newpath string) error {
	if err := x.f.At(PointWrite); err != nil {
		return err
	}
	return x.fs.Rename(oldpath, newpath)
}

func (x *faultFS) MkdirAll(dir string, perm os.FileMode) error { return x.fs.MkdirAll(dir, perm) }
func (x *faultFS) ReadDir(dir string) ([]string, error)        { return x.fs.ReadDir(dir) }
func (x *faultFS) Stat(name string) (os.FileInfo, error)       { return x.fs.Stat(name) }

func (x *faultFS) SyncDir(dir string) error {
	if err := x.f.At(PointSync); err != nil {
		return err
	}
	return x.fs.SyncDir(dir)
}

type faultFile struct {
	vfs.File
	f Faults
}

func (x *faultFile) Write(p []byte) (int, error) {
	if err := x.f.At(PointWrite); err != nil {
		return 0, err
	}
	return x.File.Write(p)
}

func (x *faultFile) WriteAt(p []byte, off int64) (int, error) {
	if err := x.f.At(PointWrite); err != nil {
		return 0, err
	}
	return x.File.WriteAt(p, off)
}

func (x *faultFile) Truncate(size int64) error {
	if err := x.f.At(PointWrite); err != nil {
		return err
	}
	return x.File.Truncate(size)
}

func (x *faultFile) Sync() error {
	if err := x.f.At(PointSync); err != nil {
		return err
	}
	return x.File.Sync()
}
