/**
 * Cytoscape with its fcose layout registered once, at module scope. Only the topology canvas imports
 * this module, and only through a dynamic import(), so cytoscape stays out of every other route's bundle.
 */
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';

cytoscape.use(fcose);

export default cytoscape;
