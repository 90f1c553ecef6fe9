/**
 * GraphiQL 5.4 opens the first of `defaultTabs` with an empty variables pane (its initial variables
 * come from storage or a prop, not from the tab), so the first example would run without them. This
 * puts the active tab's variables into the pane once, when the pane starts empty. Renders nothing.
 */
import { useEffect } from 'react';
import { useGraphiQL } from '@graphiql/react';

export function FirstTabVariables() {
  const variableEditor = useGraphiQL((state) => state.variableEditor);
  const tabs = useGraphiQL((state) => state.tabs);
  const activeTabIndex = useGraphiQL((state) => state.activeTabIndex);
  useEffect(() => {
    const wanted = tabs[activeTabIndex]?.variables;
    if (variableEditor && wanted && !variableEditor.getValue()) variableEditor.setValue(wanted);
    // Once, when the editor appears: later tab switches restore each tab's own variables.
  }, [variableEditor]);
  return null;
}
