package pack

import (
	"debug/elf"
	"errors"
	"fmt"
)

// elfStamps reads the string variables of the package whose symbol prefix
// ("<import path>.") is given from an ELF binary's symbol table and data:
// each is a string header (pointer, length) in a data section pointing
// into read-only data. It returns an empty map for a binary without a
// symbol table (built with -ldflags=-s).
func elfStamps(path, prefix string, names ...string) (map[string]string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	syms, err := f.Symbols()
	if errors.Is(err, elf.ErrNoSymbols) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[prefix+n] = true
	}
	ptrSize := uint64(8)
	if f.Class == elf.ELFCLASS32 {
		ptrSize = 4
	}
	for _, s := range syms {
		if !want[s.Name] || s.Size != 2*ptrSize {
			continue
		}
		hdr, err := readAt(f, s.Value, s.Size)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		ptr, n := word(f, hdr[:ptrSize]), word(f, hdr[ptrSize:])
		if n > 4096 {
			return nil, fmt.Errorf("%s: string of %d bytes", s.Name, n)
		}
		b, err := readAt(f, ptr, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		out[s.Name[len(prefix):]] = string(b)
	}
	return out, nil
}

// readAt reads n bytes at virtual address addr from the section that
// holds them.
func readAt(f *elf.File, addr, n uint64) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	for _, sec := range f.Sections {
		if sec.Type == elf.SHT_NOBITS || addr < sec.Addr || addr+n > sec.Addr+sec.Size {
			continue
		}
		b := make([]byte, n)
		if _, err := sec.ReadAt(b, int64(addr-sec.Addr)); err != nil {
			return nil, err
		}
		return b, nil
	}
	return nil, fmt.Errorf("address %#x: in no section with data", addr)
}

// word decodes a pointer-sized integer in the binary's byte order.
func word(f *elf.File, b []byte) uint64 {
	if len(b) == 4 {
		return uint64(f.ByteOrder.Uint32(b))
	}
	return f.ByteOrder.Uint64(b)
}
