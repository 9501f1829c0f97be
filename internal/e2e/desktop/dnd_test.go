package desktop

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb/xproto"
)

// drop drags files from a window of the test's own onto w and drops them,
// as a file manager does through the XDND protocol: XdndEnter (offering
// text/uri-list), XdndPosition, XdndDrop, then the file list handed over
// when the target asks for the XdndSelection.
func (d *display) drop(t *testing.T, w xproto.Window, paths ...string) {
	t.Helper()
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(d.conn, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Atom
	}
	enter, position, dropped := atom("XdndEnter"), atom("XdndPosition"), atom("XdndDrop")
	selection, uriList, copyAction := atom("XdndSelection"), atom("text/uri-list"), atom("XdndActionCopy")

	src, err := xproto.NewWindowId(d.conn)
	if err != nil {
		t.Fatal(err)
	}
	screen := xproto.Setup(d.conn).DefaultScreen(d.conn)
	xproto.CreateWindow(d.conn, 0, src, d.root, 0, 0, 1, 1, 0, xproto.WindowClassInputOnly, screen.RootVisual, 0, nil)
	xproto.SetSelectionOwner(d.conn, src, selection, xproto.TimeCurrentTime)

	send := func(kind xproto.Atom, data ...uint32) {
		msg := xproto.ClientMessageEvent{Format: 32, Window: w, Type: kind,
			Data: xproto.ClientMessageDataUnionData32New(append(data, make([]uint32, 5-len(data))...))}
		xproto.SendEvent(d.conn, false, w, xproto.EventMaskNoEvent, string(msg.Bytes()))
		d.sync()
	}
	// Version 5, three types or fewer given in the message itself.
	send(enter, uint32(src), 5<<24, uint32(uriList))
	send(position, uint32(src), 0, uint32(d.w/2)<<16|uint32(d.h/2), 0, uint32(copyAction))
	send(dropped, uint32(src), 0, 0)

	var list strings.Builder
	for _, p := range paths {
		list.WriteString((&url.URL{Scheme: "file", Path: p}).String() + "\r\n")
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ev, err := d.conn.PollForEvent()
		if err != nil {
			t.Fatal(err)
		}
		req, ok := ev.(xproto.SelectionRequestEvent)
		if !ok {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		xproto.ChangeProperty(d.conn, xproto.PropModeReplace, req.Requestor, req.Property, req.Target, 8,
			uint32(list.Len()), []byte(list.String()))
		notify := xproto.SelectionNotifyEvent{Time: req.Time, Requestor: req.Requestor,
			Selection: req.Selection, Target: req.Target, Property: req.Property}
		xproto.SendEvent(d.conn, false, req.Requestor, xproto.EventMaskNoEvent, string(notify.Bytes()))
		d.sync()
		return
	}
	t.Fatal("the window never asked for the dropped files")
}
