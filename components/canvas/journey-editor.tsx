"use client";

import "@xyflow/react/dist/style.css";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import type { JourneyDetail } from "@/lib/journeys/journey-views";
import type { Snapshot } from "./editor/flow-graph";
import { type InspectorTab, InspectorPanel } from "./editor/inspector-panel";
import { JourneyCanvas } from "./editor/journey-canvas";
import { LiveTotals } from "./editor/live-totals";
import { ProblemsPanel } from "./editor/problems-panel";
import { EditorAlerts, TopBar } from "./editor/top-bar";
import { useAddNode } from "./hooks/use-add-node";
import { useAutosave } from "./hooks/use-autosave";
import { useCanvasView } from "./hooks/use-canvas-view";
import { useEditorKeys } from "./hooks/use-editor-keys";
import { useGraphEdits } from "./hooks/use-graph-edits";
import { useHistory } from "./hooks/use-history";
import { useJourneyActions } from "./hooks/use-journey-actions";
import { useJourneyGraph } from "./hooks/use-journey-graph";
import { useLiveValidation } from "./hooks/use-live-validation";
import { useReferenceNames } from "./hooks/use-reference-names";
import { NodeStatsContext, ProblemCountsContext, ReadOnlyContext, TemplateNamesContext } from "./journey-nodes";
import { Palette } from "./palette";
import { PublishDialog } from "./publish-dialog";
import { useJourneyStats } from "./hooks/use-journey-stats";
import { INSPECTOR_PANEL_KEY, PALETTE_PANEL_KEY, usePanelOpen } from "./hooks/use-panel-open";

export function JourneyEditor(props: { slug: string; journey: JourneyDetail; canEdit: boolean }) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

/**
 * The journey editor composes its concerns, each a hook in ./hooks: the draft's state (use-journey-graph), undo
 * and redo (use-history), live validation, autosave, the canvas edits and adding steps, the keyboard, and the
 * journey's lifecycle (use-journey-actions). The parts it lays out are in ./editor.
 */
function Editor({ slug, journey, canEdit }: { slug: string; journey: JourneyDetail; canEdit: boolean }) {
  const graph = useJourneyGraph(journey.draft);
  const { nodes, edges, settings, setNodes, setEdges, setSettings } = graph;
  const actions = useJourneyActions(slug, journey);
  const { status, versions } = actions;
  const [name, setName] = useState(journey.name);
  const [tab, setTab] = useState<InspectorTab>("inspect");
  const [problemsOpen, setProblemsOpen] = useState(true);
  const readOnly = !canEdit || status === "ARCHIVED";
  // Live counts, once there is a published version for people to be in (kept out of the graph state).
  const live = useJourneyStats(slug, journey.id, versions.length > 0);
  const { wrapper, canvasWidth, liveRowsRef } = useCanvasView(graph, live.stats !== null);
  const [paletteOpen, togglePalette] = usePanelOpen(PALETTE_PANEL_KEY);
  const [inspectorOpen, toggleInspector] = usePanelOpen(INSPECTOR_PANEL_KEY);
  const templateNames = useReferenceNames(slug);

  const restore = useCallback(
    (s: Snapshot) => {
      setNodes(s.nodes.map((n) => ({ ...n, selected: false })));
      setEdges(s.edges);
      setSettings(s.settings);
    },
    [setNodes, setEdges, setSettings],
  );
  const { remember, undo, redo, canUndo, canRedo } = useHistory(graph.current, restore);
  const { problems, problemCounts } = useLiveValidation(nodes, edges, settings);
  const { saveState, saveError, flush } = useAutosave({
    slug,
    journeyId: journey.id,
    readOnly,
    nodes,
    edges,
    settings,
  });
  const showInspector = useCallback(() => setTab("inspect"), []);
  const edits = useGraphEdits({ graph, remember, liveRowsRef, onFocused: showInspector });
  const adding = useAddNode({ graph, remember, liveRowsRef, wrapper, onAdded: showInspector });
  useEditorKeys({ graph, readOnly, undo, redo, remember });

  const selectedNodes = nodes.filter((n) => n.selected);
  const selected = selectedNodes.length === 1 ? selectedNodes[0] : undefined;
  const selectedId = selected?.id;
  const selectedData = selected?.data;
  const inspected = useMemo(
    () =>
      selectedId && selectedData
        ? { id: selectedId, type: selectedData.type, label: selectedData.label, config: selectedData.config }
        : null,
    [selectedId, selectedData],
  );
  const inspectedProblems = useMemo(
    () => problems.filter((p) => p.nodeId && p.nodeId === selectedId),
    [problems, selectedId],
  );
  const settingsProblems = useMemo(() => problems.filter((p) => p.path.startsWith("settings")), [problems]);
  const nodeById = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  const displayEdges = useMemo(() => {
    const bad = new Set(problems.filter((p) => p.edgeId).map((p) => p.edgeId));
    return bad.size
      ? edges.map((e) => (bad.has(e.id) ? { ...e, style: { stroke: "#dc2626", strokeWidth: 2 } } : e))
      : edges;
  }, [edges, problems]);

  return (
    <ReadOnlyContext.Provider value={readOnly}>
      <ProblemCountsContext.Provider value={problemCounts}>
        <NodeStatsContext.Provider value={live.stats?.nodes ?? null}>
          <TemplateNamesContext.Provider value={templateNames}>
            <div
              className="fixed inset-y-0 right-0 left-64 z-20 flex flex-col bg-stone-50"
              data-testid="journey-editor"
            >
              <TopBar
                slug={slug}
                journeyId={journey.id}
                name={name}
                setName={setName}
                rename={actions.rename}
                status={status}
                liveVersion={actions.liveVersion}
                saveState={saveState}
                canEdit={canEdit}
                readOnly={readOnly}
                canUndo={canUndo}
                canRedo={canRedo}
                undo={undo}
                redo={redo}
                layout={edits.layout}
                fit={edits.fit}
                statusAction={actions.statusAction}
                problemCount={problems.length}
                onPublish={() => actions.setPublishing(true)}
              />
              <LiveTotals {...live} />
              <EditorAlerts
                actionError={actions.actionError}
                notice={actions.notice}
                onDismissNotice={() => actions.setNotice(null)}
                archived={status === "ARCHIVED"}
                saveError={saveError}
              />

              <div className="flex min-h-0 flex-1">
                {readOnly ? null : <Palette onAdd={adding.addNode} open={paletteOpen} onToggle={togglePalette} />}
                <div className="flex min-w-0 flex-1 flex-col">
                  <JourneyCanvas
                    wrapper={wrapper}
                    canvasWidth={canvasWidth}
                    nodes={nodes}
                    displayEdges={displayEdges}
                    readOnly={readOnly}
                    onDragOver={adding.onDragOver}
                    onDrop={adding.onDrop}
                    onNodesChange={edits.onNodesChange}
                    onEdgesChange={edits.onEdgesChange}
                    onConnect={edits.onConnect}
                    onBeforeDelete={edits.onBeforeDelete}
                    onNodeDragStart={edits.onNodeDragStart}
                    isValidConnection={edits.isValidConnection}
                    addNote={adding.addNote}
                    dismissAddNote={adding.dismissAddNote}
                  />
                  <ProblemsPanel
                    readOnly={readOnly}
                    problems={problems}
                    nodeById={nodeById}
                    open={problemsOpen}
                    onToggle={() => setProblemsOpen((o) => !o)}
                    onFocus={edits.focusNode}
                  />
                </div>
                <InspectorPanel
                  open={inspectorOpen}
                  onToggle={toggleInspector}
                  tab={tab}
                  setTab={setTab}
                  inspected={inspected}
                  selectedCount={selectedNodes.length}
                  inspectedProblems={inspectedProblems}
                  settings={settings}
                  settingsProblems={settingsProblems}
                  versions={versions}
                  liveVersion={actions.liveVersion}
                  readOnly={readOnly}
                  updateNode={edits.updateNode}
                  deleteNode={edits.deleteNode}
                  updateSettings={edits.updateSettings}
                />
              </div>
              {actions.publishing ? (
                <PublishDialog
                  slug={slug}
                  journeyId={journey.id}
                  nodeById={nodeById}
                  flush={flush}
                  onClose={() => actions.setPublishing(false)}
                  onPublished={actions.onPublished}
                />
              ) : null}
            </div>
          </TemplateNamesContext.Provider>
        </NodeStatsContext.Provider>
      </ProblemCountsContext.Provider>
    </ReadOnlyContext.Provider>
  );
}
