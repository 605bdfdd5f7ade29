package upgrade

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Defaults of SendOptions.
const (
	// DefaultChunkSize is the data of one chunk: 256 KiB.
	DefaultChunkSize = 256 << 10
	// DefaultRetries is how many attempts in a row may make no progress.
	DefaultRetries = 8
)

// SendOptions describe one transfer. Src, Size, Version, SHA256, Begin
// and Chunk are required.
type SendOptions struct {
	// Version, Size and SHA256 (lower-case hex) name the binary.
	Version string
	Size    int64
	SHA256  string
	// Src holds the binary's bytes.
	Src io.ReaderAt
	// ChunkSize is the data of one chunk. Default DefaultChunkSize.
	ChunkSize int
	// Retries is how many attempts in a row may make no progress (a call
	// that failed, a chunk refused) before Send gives up with ErrGaveUp.
	// Default DefaultRetries.
	Retries int
	// Begin asks the receiver where the transfer stands.
	Begin func(ctx context.Context) (Progress, error)
	// Chunk sends one chunk and returns the receiver's answer.
	Chunk func(ctx context.Context, c Chunk) (Progress, error)
	// Retryable tells a lost call (worth another attempt: the receiver may
	// not have had it, or its answer was lost) from a refusal that will
	// not change. Default: every error is final.
	Retryable func(error) bool
	// Progress, when set, is told the receiver's offset after each answer.
	Progress func(offset int64)
}

// SendResult counts what a transfer did.
type SendResult struct {
	// Chunks is the number of chunk calls made, Bytes the data they
	// carried; Retries the attempts that made no progress.
	Chunks  int
	Bytes   int64
	Retries int
	// Already is set when the receiver had the binary before any chunk.
	Already bool
}

// Send transfers a binary (see the package comment): it asks where the
// receiver stands, then sends chunks from the offset the receiver last
// answered until it has every byte. A call error that Retryable accepts,
// or a refused chunk, is tried again from the receiver's offset; Retries
// of them in a row end the transfer with ErrGaveUp. Any other error —
// ErrChecksum when the receiver found the whole file wrong — ends it at
// once. The context bounds the whole transfer.
func Send(ctx context.Context, o SendOptions) (SendResult, error) {
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	if o.Retries <= 0 {
		o.Retries = DefaultRetries
	}
	if o.Retryable == nil {
		o.Retryable = func(error) bool { return false }
	}
	if o.Src == nil || o.Begin == nil || o.Chunk == nil || o.Size <= 0 {
		return SendResult{}, fmt.Errorf("%w: send: incomplete options", ErrInvalid)
	}
	var res SendResult
	fails := 0
	// retry counts an attempt without progress and says whether to go on.
	retry := func(why error) error {
		res.Retries++
		fails++
		if fails > o.Retries {
			return fmt.Errorf("%w after %d attempts without progress: %w", ErrGaveUp, fails, why)
		}
		return ctx.Err()
	}
	var off int64
	for {
		p, err := o.Begin(ctx)
		if err == nil {
			off = p.Offset
			break
		}
		if !o.Retryable(err) {
			return res, err
		}
		if err := retry(err); err != nil {
			return res, err
		}
	}
	res.Already = off >= o.Size
	buf := make([]byte, o.ChunkSize)
	for off < o.Size {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if off < 0 {
			return res, fmt.Errorf("%w: receiver asked for offset %d", ErrInvalid, off)
		}
		n := int(min(int64(o.ChunkSize), o.Size-off))
		if m, err := o.Src.ReadAt(buf[:n], off); m < n {
			return res, fmt.Errorf("read binary at %d: %d of %d bytes: %w", off, m, n, err)
		}
		data := buf[:n]
		res.Chunks++
		res.Bytes += int64(n)
		p, err := o.Chunk(ctx, Chunk{Version: o.Version, Size: o.Size, SHA256: o.SHA256, Offset: off, Data: data, ChunkSHA256: sumOf(data)})
		switch {
		case err != nil && !o.Retryable(err):
			return res, err
		case err != nil:
			// Lost: the chunk or its answer. Send it again; the receiver
			// acknowledges what it already has.
			if err := retry(err); err != nil {
				return res, err
			}
			continue
		case p.Refused != "" || p.Offset <= off:
			why := p.Refused
			if why == "" {
				why = fmt.Sprintf("receiver stays at %d", p.Offset)
			}
			if err := retry(errors.New(why)); err != nil {
				return res, err
			}
		default:
			fails = 0
		}
		off = p.Offset
		if o.Progress != nil {
			o.Progress(off)
		}
	}
	return res, nil
}
