/**
 * Cytoscape with its fcose layout registered once, at module scope. Only the topology page imports
 * this module (TopologyView, so it loads with the page's first scripts), so cytoscape stays out of every
 * other route's bundle.
 */
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';

cytoscape.use(fcose);

export default cytoscape;
