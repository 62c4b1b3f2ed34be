import "./knn.js";
import "./centroid.js";
