import { Modal } from './Modal';

/** Asks before unsaved changes to `title` are thrown away. */
export function DiscardDialog({ title, onDiscard, onClose }: { title: string; onDiscard(): void; onClose(): void }) {
  return (
    <Modal label="Discard changes" onClose={onClose}>
      <h2>Discard your changes to “{title}”?</h2>
      <p>They are not saved. Keep editing to save or copy them first.</p>
      <div className="button-row end">
        <button type="button" autoFocus onClick={onClose}>
          Keep editing
        </button>
        <button type="button" className="danger" onClick={onDiscard}>
          Discard changes
        </button>
      </div>
    </Modal>
  );
}
