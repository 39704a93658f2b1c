package io.mlmesh.monitor.served;

/** Told of every window of served traffic that closes, after it was tested. */
public interface WindowListener {

    /**
     * Called on the thread that closed the window, outside the monitor's lock, in closing
     * order per version. Must not throw.
     */
    void windowClosed(WindowDrift window, VersionReference reference);
}
