/**
 * Runs `round` one at a time. A call made while a round runs does not start a second one beside it:
 * it waits for one more round after the current one (several such calls share it) and resolves when
 * that round is done. So a round that began before a caller's change can never land after one that
 * began since, and a caller who changed something and then calls sees the change reloaded.
 *
 * A failing round rejects the calls waiting on it; the next call starts afresh.
 */
export function coalescedRounds(round: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await round();
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
}
