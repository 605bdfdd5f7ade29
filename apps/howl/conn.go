package howl

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/fifogo/fifo/apps/howl/hub"
)

// conn is one websocket connection: a reader that runs the client's
// commands, and a writer that writes the frames the hub queues.
type conn struct {
	s         *Service
	hub       *hub.Hub
	ws        *websocket.Conn
	raw       net.Conn // the socket under ws, to cut it whatever ws does
	sub       *hub.Sub
	enc       hub.Encoding
	typ       websocket.MessageType
	principal Principal
	log       *slog.Logger
	// ctx bounds the connection's calls to the principal; it ends with
	// the connection.
	ctx    context.Context
	cancel context.CancelFunc
	// writeTimer cuts the connection when one write takes longer than
	// WriteTimeout. Reads and writes take no context: a context per
	// operation costs a timer and a callback registration per frame,
	// which a fan-out to thousands of connections pays thousands of times.
	writeTimer *time.Timer
}

// serve runs a connection until it ends.
func (s *Service) serve(h *hub.Hub, ws *websocket.Conn, raw net.Conn, p Principal) {
	c := &conn{s: s, hub: h, ws: ws, raw: raw, principal: p, enc: hub.JSON, typ: websocket.MessageText, log: s.log}
	if ws.Subprotocol() == SubprotocolMsgPack {
		c.enc, c.typ = hub.MsgPack, websocket.MessageBinary
	}
	ws.SetReadLimit(s.opts.ReadLimit)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	defer c.cancel()
	c.writeTimer = time.AfterFunc(time.Hour, c.writeTimedOut)
	c.writeTimer.Stop()
	defer c.writeTimer.Stop()
	sub, err := h.Attach(c.enc, c.ended)
	if err != nil {
		// The hub closed between the check and the upgrade.
		ws.Close(websocket.StatusGoingAway, string(hub.ReasonShutdown))
		return
	}
	c.sub = sub
	s.m.Connections.Inc()
	defer s.m.Connections.Dec()

	written := make(chan struct{})
	go func() {
		defer close(written)
		c.write()
	}()
	c.read()
	h.Detach(sub)
	<-written
	ws.CloseNow()
}

// ended runs once when the hub ends the subscriber. A connection that
// ended by itself is cut at once; one the hub dropped gets CloseGrace to
// finish its pending write, so the writer can still send the close frame.
func (c *conn) ended(r hub.Reason) {
	if r == hub.ReasonDetached {
		c.cut()
		return
	}
	time.AfterFunc(c.s.opts.CloseGrace, c.cut)
}

// cut closes the socket at once: every pending read and write fails,
// even a close handshake waiting on a peer that does not read (which
// ws.CloseNow would leave alone).
func (c *conn) cut() {
	c.cancel()
	c.raw.Close()
}

// writeTimedOut cuts a connection whose write took WriteTimeout.
func (c *conn) writeTimedOut() {
	if c.sub.Reason() == "" {
		c.s.m.Dropped.WithLabelValues("write_timeout").Inc()
	}
	c.cut()
}

// read runs the client's commands until the connection fails or closes.
func (c *conn) read() {
	for {
		_, frame, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		cmd, err := hub.DecodeCommand(c.enc, frame)
		if err != nil {
			c.sub.Send(hub.Error(c.enc, hub.TextBadCommand))
			continue
		}
		switch cmd.Op {
		case hub.OpJoin:
			c.join(cmd.Channel)
		case hub.OpLeave:
			c.hub.Leave(c.sub, cmd.Channel)
			c.sub.Send(hub.OK(c.enc, hub.TextLeft))
		case hub.OpPing:
			c.sub.Send(hub.Pong(c.enc, cmd.Ping))
		}
	}
}

// join subscribes the connection to channel if its principal may join
// it. The subscription precedes the reply, so once the client reads
// "channel joined" it gets every later event of the channel.
func (c *conn) join(channel string) {
	ctx, cancel := context.WithTimeout(c.ctx, c.s.opts.AuthTimeout)
	ok, err := c.principal.Allowed(ctx, joinPermission(channel))
	cancel()
	switch {
	case err != nil:
		c.log.Warn("join permission check failed", "channel", channel, "err", err)
		c.sub.Send(hub.Error(c.enc, hub.TextAuthFailed))
	case !ok:
		c.sub.Send(hub.Error(c.enc, hub.TextPermissionDenied))
	default:
		switch err := c.hub.Join(c.sub, channel); {
		case errors.Is(err, hub.ErrTooManyChannels):
			c.sub.Send(hub.Error(c.enc, hub.TextTooManyChannels))
		case err == nil:
			c.sub.Send(hub.OK(c.enc, hub.TextJoined))
		}
	}
}

// write writes queued frames until the subscriber ends, then closes the
// connection with the reason's close code.
func (c *conn) write() {
	for {
		select {
		case <-c.sub.Done():
			c.close()
			return
		default:
		}
		select {
		case f := <-c.sub.Out():
			c.writeTimer.Reset(c.s.opts.WriteTimeout)
			err := c.ws.Write(context.Background(), c.typ, f)
			c.writeTimer.Stop()
			if err != nil {
				c.hub.Detach(c.sub)
				return
			}
		case <-c.sub.Done():
			c.close()
			return
		}
	}
}

// close sends the close frame of the reason the hub dropped the
// subscriber for (a connection that ended by itself needs none).
func (c *conn) close() {
	switch c.sub.Reason() {
	case hub.ReasonSlowConsumer:
		c.ws.Close(websocket.StatusPolicyViolation, "slow consumer")
	case hub.ReasonShutdown:
		c.ws.Close(websocket.StatusGoingAway, "shutdown")
	}
}

// hijackRecorder keeps the connection websocket.Accept hijacks.
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
}

// Hijack implements http.Hijacker.
func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, brw, err
}

// Unwrap returns the wrapped writer (for http.ResponseController).
func (h *hijackRecorder) Unwrap() http.ResponseWriter { return h.ResponseWriter }
