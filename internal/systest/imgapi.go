package systest

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// ImageUUID is the image the IMGAPI server of NewIMGAPI offers.
const ImageUUID = "7b5981c4-1889-11e7-b4c5-3f3bdfc9b88b"

// imageFile is the file of ImageUUID.
var imageFile = bytes.Repeat([]byte("zfs send stream "), 8192)

// NewIMGAPI serves one zone image, ImageUUID, the way an IMGAPI server
// does (/images/<uuid> the manifest, /images/<uuid>/file the file), on
// loopback until the test ends. Its URL is the server's.
func NewIMGAPI(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/images/" + ImageUUID:
			sum := sha1.Sum(imageFile)
			_ = json.NewEncoder(w).Encode(map[string]any{"v": 2, "uuid": ImageUUID, "name": "base-64-systest",
				"version": "17.1.0", "os": "smartos", "type": "zone-dataset",
				"files": []any{map[string]any{"size": len(imageFile), "sha1": hex.EncodeToString(sum[:])}}})
		case "/images/" + ImageUUID + "/file":
			_, _ = w.Write(imageFile)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}
