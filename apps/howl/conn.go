package howl

import (
	"context"
	"errors"
	"log/slog"
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
	sub       *hub.Sub
	enc       hub.Encoding
	typ       websocket.MessageType
	principal Principal
	log       *slog.Logger
	// ctx is cancelled to cut the connection (every pending read and
	// write fails and the socket closes).
	ctx    context.Context
	cancel context.CancelFunc
}

// serve runs a connection until it ends.
func (s *Service) serve(h *hub.Hub, ws *websocket.Conn, p Principal) {
	c := &conn{s: s, hub: h, ws: ws, principal: p, enc: hub.JSON, typ: websocket.MessageText, log: s.log}
	if ws.Subprotocol() == SubprotocolMsgPack {
		c.enc, c.typ = hub.MsgPack, websocket.MessageBinary
	}
	ws.SetReadLimit(s.opts.ReadLimit)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	defer c.cancel()
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
		c.cancel()
		return
	}
	time.AfterFunc(c.s.opts.CloseGrace, c.cancel)
}

// read runs the client's commands until the connection fails or closes.
func (c *conn) read() {
	for {
		_, frame, err := c.ws.Read(c.ctx)
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
			ctx, cancel := context.WithTimeout(c.ctx, c.s.opts.WriteTimeout)
			err := c.ws.Write(ctx, c.typ, f)
			timedOut := ctx.Err() == context.DeadlineExceeded
			cancel()
			if err != nil {
				if timedOut && c.sub.Reason() == "" {
					c.s.m.Dropped.WithLabelValues("write_timeout").Inc()
				}
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
