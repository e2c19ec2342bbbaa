import { useUi } from './uiStore';

/** The empty state of pages that need a connection when none exists. */
export function AddClusterFirst() {
  const openDialog = useUi((s) => s.openDialog);
  return (
    <div className="empty">
      <h2>Add a cluster first</h2>
      <p>This page works on a stored connection. Import a kubeconfig to add your clusters.</p>
      <button type="button" className="primary" onClick={() => openDialog('import-kubeconfig')}>
        Import kubeconfig
      </button>
    </div>
  );
}
