export function App() {
  return <div>医共体医保打包付费预算管理</div>;
}
